from shiftleft.main import run

run()
