from shiftleft.main import main

raise SystemExit(main())
