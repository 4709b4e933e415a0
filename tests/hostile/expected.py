"""The exact outcome of every corpus case: its stdout lines and the first line of its stderr.

`{root}` stands for the case's repository folder. Written by `python -m tests.hostile.probe --write`
and reviewed line by line (the exit code of each case is hand-written in its Case, not here).
"""

# fmt: off
EXPECTED = {'recursive-alias': (('svc/shiftleft.yaml:8:11: CRITICAL SL001 invalid-yaml nesting deeper than 32 levels',), ''),
 'recursive-alias-mapping': (('svc/shiftleft.yaml:8:11: CRITICAL SL001 invalid-yaml nesting deeper than 32 levels',),
                             ''),
 'alias-bomb-under-x-key': (('svc/shiftleft.yaml:8:10: CRITICAL SL001 invalid-yaml document has more than 20,000 '
                             'values, counting each alias as a copy; a manifest has a few hundred (remove anchors '
                             'and aliases, or split the file)',),
                            ''),
 'alias-as-duplicate-key': (("svc/shiftleft.yaml:8:8: CRITICAL SL002 duplicate-key duplicate key 'tier' (first "
                             'defined on line 7, column 3); keep one of them',),
                            ''),
 'merge-key-with-alias': (('svc/shiftleft.yaml:9:9: CRITICAL SL001 invalid-yaml merge keys (`<<`) are not supported; '
                           'write the keys out',),
                          ''),
 'block-nesting-600': (('svc/shiftleft.yaml:40:36: CRITICAL SL001 invalid-yaml nesting deeper than 32 levels',), ''),
 'flow-sequence-nesting-100000': (('svc/shiftleft.yaml:8:1009: CRITICAL SL001 invalid-yaml invalid YAML: exceeded '
                                   'maximum nesting depth (while increasing flow level)',),
                                  ''),
 'huge-scalar-accepted': ((), ''),
 'huge-unknown-key': (('svc/shiftleft.yaml:8:200003: CRITICAL SL001 invalid-yaml invalid YAML: could not find '
                       "expected ':' (while scanning a simple key); a key without ':', or a value continuing on the "
                       "next line: add ':' after the key, or quote the value",),
                      ''),
 'tag-python-name': (('svc/shiftleft.yaml:7:9: CRITICAL SL001 invalid-yaml explicit YAML tag !!python/name:os.system '
                      'is not allowed; remove it',),
                     ''),
 'tag-python-apply': (('svc/shiftleft.yaml:8:10: CRITICAL SL001 invalid-yaml explicit YAML tag '
                       '!!python/object/apply:os.system is not allowed; remove it',),
                      ''),
 'tag-local': (('svc/shiftleft.yaml:7:9: CRITICAL SL001 invalid-yaml explicit YAML tag !secret is not allowed; '
                'remove it',),
               ''),
 'tag-set': (('svc/shiftleft.yaml:8:10: CRITICAL SL001 invalid-yaml explicit YAML tag !!set is not allowed; remove '
              'it',),
             ''),
 'tag-timestamp-on-date': (('svc/shiftleft.yaml:18:15: CRITICAL SL001 invalid-yaml explicit YAML tag !!timestamp is '
                            'not allowed; remove it',),
                           ''),
 'tag-directive': ((), ''),
 'yaml-directive-1-2': ((), ''),
 'document-end-then-content': (('svc/shiftleft.yaml:36:1: CRITICAL SL001 invalid-yaml invalid YAML: did not find '
                                'expected <document start>',),
                               ''),
 'duplicate-key-confusable': (("svc/shiftleft.yaml:8:3: CRITICAL SL004 unknown-key unknown key 'ti\u0435r' in spec (did "
                               "you mean 'tier'?); only x- keys are free for your own use",),
                              ''),
 'duplicate-key-after-escape': (("svc/shiftleft.yaml:8:3: CRITICAL SL002 duplicate-key duplicate key 'tier' (first "
                                 'defined on line 7, column 3); keep one of them',),
                                ''),
 'bom-inside-a-value': ((), ''),
 'two-boms': ((), ''),
 'utf8-overlong': (('svc/shiftleft.yaml:3:35: CRITICAL SL001 invalid-yaml not valid UTF-8 (byte 0xc0); save the file '
                    'as UTF-8',),
                   ''),
 'utf8-surrogate': (('svc/shiftleft.yaml:3:35: CRITICAL SL001 invalid-yaml not valid UTF-8 (byte 0xed); save the '
                     'file as UTF-8',),
                    ''),
 'utf8-truncated-at-end': (('svc/shiftleft.yaml:35:3: CRITICAL SL001 invalid-yaml not valid UTF-8 (byte 0xe2); save '
                            'the file as UTF-8',),
                           ''),
 'nul-in-a-comment': (('svc/shiftleft.yaml:35:3: CRITICAL SL001 invalid-yaml binary file (NUL byte); a manifest is '
                       'UTF-8 text',),
                      ''),
 'cr-only-line-endings': ((), ''),
 'bidi-override-in-a-value': ((), ''),
 'tier-beyond-int64': (('svc/shiftleft.yaml:7:9: CRITICAL SL003 ambiguous-scalar `99999999999999999999` is too large '
                        'for a number; write a realistic value',),
                       ''),
 'zones-beyond-int64': (('svc/shiftleft.yaml:8:50: CRITICAL SL003 ambiguous-scalar `99999999999999999999` is too '
                         'large for a number; write a realistic value',),
                        ''),
 'replicas-negative': (('svc/shiftleft.yaml:8:67: CRITICAL SL006 invalid-value spec.availability.min_replicas must '
                        'be at least 0, not -3',),
                       ''),
 'slo-nan': (('svc/shiftleft.yaml:8:23: CRITICAL SL003 ambiguous-scalar `.nan` is not allowed; write a finite '
              'number',),
             ''),
 'slo-negative': (('svc/shiftleft.yaml:8:23: CRITICAL SL006 invalid-value spec.availability.slo: -5 is not between 0 '
                   'and 100',),
                  ''),
 'slo-just-over-100-percent': (('svc/shiftleft.yaml:8:23: CRITICAL SL006 invalid-value spec.availability.slo: '
                                "'100.0000001%' is not between 0% and 100%",),
                               ''),
 'slo-exponent': (('svc/shiftleft.yaml:8:23: CRITICAL SL003 ambiguous-scalar `1e400` is too large for a number; '
                   'write a realistic value',),
                  ''),
 'error-rate-over-100': (('svc/shiftleft.yaml:25:27: CRITICAL SL006 invalid-value '
                          "spec.incident.thresholds.major.error_rate: '500%' is not between 0% and 100%",),
                         ''),
 'rto-absurd-weeks': (('svc/shiftleft.yaml:13:10: CRITICAL SL007 bad-duration-or-date spec.continuity.rto: '
                       "'99999999999999w' is longer than 100 years",),
                      ''),
 'rto-zero': (('svc/shiftleft.yaml:13:10: HIGH SL305 strategy-can-meet-rto a warm-standby strategy cannot recover '
               'within RTO 0s: backup-restore needs at least 1h, pilot-light 10m, warm-standby 1m (only '
               'active-active recovers faster)',
               'svc/shiftleft.yaml:19:63: HIGH SL309 dr-test-met-rto the DR test of 2026-09-14 recovered in 20m; the '
               'declared RTO is 0s and the tier 1 ceiling 1h',
               'svc/shiftleft.yaml:20:5: HIGH SL323 restore-test-verified the restore test must record its duration '
               'within RTO 0s (last_restore_duration: 20m) and that the restored data was verified '
               '(restore_verified: true)',
               'svc/shiftleft.yaml:26:26: HIGH SL406 disaster-invoked-within-half-rto DR is invoked only after a 10m '
               'outage, more than half of RTO 0s: too little time is left to fail over and verify',
               'svc/shiftleft.yaml:26:26: MEDIUM SL408 invocation-leaves-time-to-recover invoking DR after 10m and '
               'recovering in 20m (last DR test) exceeds RTO 0s'),
              ''),
 'rpo-repeated-units': (("svc/shiftleft.yaml:14:10: CRITICAL SL007 bad-duration-or-date spec.continuity.rpo: '1m1m' "
                         'repeats a unit or is out of order; write each unit once, largest first (1h30m)',),
                        ''),
 'rto-many-digits': (('svc/shiftleft.yaml:13:10: CRITICAL SL007 bad-duration-or-date spec.continuity.rto: '
                      "'9999999999999999999999999999999999999999'... is longer than 100 years",),
                     ''),
 'date-year-9999': (('svc/shiftleft.yaml:18:15: MEDIUM SL324 game-day-recent tier 1 (mission-critical) service needs '
                     'a game day within the 12 months up to 2026-11-25 (game_day: 9999-12-31)',),
                    ''),
 'dates-in-the-future': (('svc/shiftleft.yaml:19:23: HIGH SL306 dr-test-recent the last DR test is dated 2099-09-14: '
                          'not within the 6 months up to 2026-11-25 that tier 1 (mission-critical) allows',
                          'svc/shiftleft.yaml:21:34: HIGH SL319 restore-test-recent the last restore test is dated '
                          '2099-10-01: not within the 6 months up to 2026-11-25 that tier 1 (mission-critical) '
                          'allows',
                          'svc/shiftleft.yaml:33:57: HIGH SL508 threat-model-reviewed the threat model review is '
                          'dated 2099-08-01: not within the 12 months up to 2026-11-25'),
                         ''),
 'date-year-10000': (('svc/shiftleft.yaml:18:15: CRITICAL SL007 bad-duration-or-date spec.continuity.game_day: '
                      "'10000-01-01' is not a date; write YYYY-MM-DD",),
                     ''),
 'date-year-1': (('svc/shiftleft.yaml:18:15: MEDIUM SL324 game-day-recent tier 1 (mission-critical) service needs a '
                  'game day within the 12 months up to 2026-11-25 (game_day: 0001-01-01)',),
                 ''),
 'date-with-time': (('svc/shiftleft.yaml:18:15: CRITICAL SL007 bad-duration-or-date spec.continuity.game_day: '
                     "'2026-06-01T10:00:00+14:00' is not a date; write YYYY-MM-DD",),
                    ''),
 'name-unicode': (("svc/shiftleft.yaml:3:18: CRITICAL SL006 invalid-value metadata.name: 'sv\xe7' is not a valid name: "
                   "lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 "
                   'characters',),
                  ''),
 'name-confusable-cyrillic': (("svc/shiftleft.yaml:3:18: CRITICAL SL006 invalid-value metadata.name: 's\u0432c' is not a "
                               "valid name: lower-case letters, digits and '-', starting and ending with a letter or "
                               'digit, at most 63 characters',),
                              ''),
 'name-253-chars': (('svc/shiftleft.yaml:3:18: CRITICAL SL006 invalid-value metadata.name: '
                     "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... is not a valid name: lower-case "
                     "letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",),
                    ''),
 'dependency-confusable': (('svc/shiftleft.yaml:8:28: CRITICAL SL006 invalid-value spec.dependencies[0].service: '
                            "'s\u0432c' is not a valid name: lower-case letters, digits and '-', starting and ending with "
                            'a letter or digit, at most 63 characters',),
                           ''),
 'dependency-on-itself': (('svc/shiftleft.yaml:8:28: MEDIUM SL707 self-dependency svc lists itself as a dependency',),
                          ''),
 'tier-as-string': (('svc/shiftleft.yaml:7:9: CRITICAL SL006 invalid-value spec.tier must be an integer, not string '
                     "'1' (the tier policy has 0, 1, 2, 3, 4)",),
                    ''),
 'spec-null': (('svc/shiftleft.yaml:4:7: CRITICAL SL006 invalid-value spec must be a mapping, not empty',), ''),
 'plan-symlink-to-etc-passwd': (('svc/shiftleft.yaml:16:11: CRITICAL SL008 path-outside-repository '
                                 "spec.continuity.plan: 'docs/dr-plan.md' is a symlink that leads outside the "
                                 'repository ({root}, the folder holding .git)',),
                                ''),
 'plan-is-a-fifo': (('svc/shiftleft.yaml:16:11: HIGH SL312 dr-plan-exists the DR plan docs/dr-plan.md does not exist '
                     "(paths are relative to the manifest's folder)",),
                    ''),
 'plan-is-dev-zero': (('svc/shiftleft.yaml:16:11: CRITICAL SL008 path-outside-repository spec.continuity.plan: '
                       "'docs/dr-plan.md' is a symlink that leads outside the repository ({root}, the folder holding "
                       '.git)',),
                      ''),
 'plan-is-a-folder': ((), ''),
 'plan-symlink-loop': (('svc/shiftleft.yaml:16:11: HIGH SL312 dr-plan-exists the DR plan docs/dr-plan.md does not '
                        "exist (paths are relative to the manifest's folder)",),
                       ''),
 'plan-deep-dotdot': (('svc/shiftleft.yaml:16:11: CRITICAL SL008 path-outside-repository spec.continuity.plan: '
                       "'docs/../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../etc/passwd' "
                       'points outside the repository ({root}, the folder holding .git)',),
                      ''),
 'plan-component-too-long': (('svc/shiftleft.yaml:16:11: HIGH SL312 dr-plan-exists the DR plan '
                              'docs/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa '
                              "does not exist (paths are relative to the manifest's folder)",),
                             ''),
 'plan-path-too-long': (('svc/shiftleft.yaml:16:11: HIGH SL312 dr-plan-exists the DR plan '
                         'a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a...',),
                        ''),
 'plan-backslash-escape': (('svc/shiftleft.yaml:16:11: HIGH SL312 dr-plan-exists the DR plan ..\\..\\etc\\passwd '
                            "does not exist (paths are relative to the manifest's folder)",),
                           ''),
 'plan-url': (('svc/shiftleft.yaml:16:11: HIGH SL312 dr-plan-exists the DR plan file:///etc/passwd does not exist '
               "(paths are relative to the manifest's folder)",),
              ''),
 'code-path-root': (("svc/shiftleft.yaml:8:18: CRITICAL SL008 path-outside-repository spec.paths.code[0]: '/' is "
                     "absolute; write it relative to the manifest's folder",),
                    ''),
 'manifest-is-a-folder': (('other/shiftleft.yaml:1:1: CRITICAL SL001 invalid-yaml not a regular file',), ''),
 'manifest-is-a-fifo': (('svc/shiftleft.yaml:1:1: CRITICAL SL001 invalid-yaml not a regular file',), ''),
 'manifest-in-a-long-folder-name': ((), ''),
 'manifest-name-with-newline': ((), ''),
 'manifest-name-with-escape': (('./::error::x/shiftleft.yaml:13:10: HIGH SL301 rto-within-tier RTO 9h exceeds the '
                                'tier 1 (mission-critical) ceiling of 1h',),
                               ''),
 'toml-syntax-error': ((), 'shiftleft: error: .shiftleft.toml:1:11: invalid TOML: Invalid value'),
 'toml-unknown-key': ((),
                      "shiftleft: error: .shiftleft.toml:1: unknown setting 'fail_onn' (did you mean 'fail_on'?); "
                      'known: manifests, exclude, rules, tiers, fail_on, severity, disable, max_manifest_bytes, org, '
                      'catalogs, waivers, inline_waivers, evidence, evidence_timeout, unowned'),
 'toml-fail-on-bad': ((),
                      "shiftleft: error: .shiftleft.toml:1: fail_on: unknown severity 'blocker' (choose from "
                      'critical, high, medium, low, info)'),
 'toml-disable-a-string': ((), 'shiftleft: error: .shiftleft.toml:1: disable: must be a list of strings'),
 'toml-timeout-nan': ((),
                      'shiftleft: error: .shiftleft.toml:1: evidence_timeout: must be a number of seconds between 10 '
                      'and 7200'),
 'toml-timeout-inf': ((),
                      'shiftleft: error: .shiftleft.toml:1: evidence_timeout: must be a number of seconds between 10 '
                      'and 7200'),
 'toml-timeout-negative': ((),
                           'shiftleft: error: .shiftleft.toml:1: evidence_timeout: must be a number of seconds '
                           'between 10 and 7200'),
 'toml-max-bytes-huge': ((),
                         'shiftleft: error: .shiftleft.toml:1: max_manifest_bytes: must be a whole number of bytes '
                         'between 1024 and 67108864'),
 'toml-max-bytes-zero': ((),
                         'shiftleft: error: .shiftleft.toml:1: max_manifest_bytes: must be a whole number of bytes '
                         'between 1024 and 67108864'),
 'toml-manifest-glob-escape': ((),
                               'shiftleft: error: no manifests found in . (looking for ../**/shiftleft.yaml); pass '
                               '--allow-empty if an empty run is expected'),
 'toml-manifest-glob-absolute': ((),
                                 'shiftleft: error: no manifests found in . (looking for /etc/**); pass '
                                 '--allow-empty if an empty run is expected'),
 'toml-huge-array': ((), ''),
 'toml-deep-inline-tables': ((),
                             'shiftleft: error: .shiftleft.toml:1:507: invalid TOML: tables or arrays nested too '
                             'deeply'),
 'toml-binary': ((), 'shiftleft: error: .shiftleft.toml: configuration is not valid UTF-8'),
 'tiers-unknown-key': ((), 'shiftleft: error: org/tiers.yaml:2:3: tier policy: tier 1: missing name'),
 'tiers-bad-duration': ((), 'shiftleft: error: org/tiers.yaml:2:3: tier policy: tier 1: missing slo_floor'),
 'tiers-alias-bomb': ((),
                      'shiftleft: error: org/tiers.yaml:1:32: document has more than 20,000 values, counting each '
                      'alias as a copy; a manifest has a few hundred (remove anchors and aliases, or split the '
                      'file)'),
 'tiers-not-a-mapping': ((),
                         'shiftleft: error: org/tiers.yaml:1:1: tier policy: expected a mapping `tiers:` of tier '
                         'number to targets'),
 'rule-cel-syntax': ((),
                     'shiftleft: error: org/ACME901-hostile.yaml:6:20: assert: CEL does not compile: Syntax error: '
                     'the expression ends too early'),
 'rule-cel-unknown-variable': ((),
                               'shiftleft: error: org/ACME901-hostile.yaml:6:16: assert: CEL does not compile: '
                               "undeclared reference to 'secrets.token'"),
 'rule-cel-unknown-function': ((),
                               'shiftleft: error: org/ACME901-hostile.yaml:6:15: assert: CEL does not compile: '
                               "undeclared reference to 'system'"),
 'rule-jinja-syntax': ((),
                       'shiftleft: error: org/ACME901-hostile.yaml:8:10: message: template does not compile: '
                       "unexpected end of template, expected 'end of print statement'."),
 'rule-jinja-sandbox-escape': (('svc/shiftleft.yaml:3:18: HIGH ACME901 hostile {{ '
                                'metadata.__class__.__mro__[1].__subclasses__() }} (message could not be rendered: '
                                "access to attribute '__class__' of 'dict' object is unsafe.)",),
                               ''),
 'rule-jinja-import': (("svc/shiftleft.yaml:3:18: HIGH ACME901 hostile {% import 'os' as os %}{{ os }} (message "
                        'could not be rendered: no loader for this environment specified)',),
                       ''),
 'rule-unknown-key': ((), "shiftleft: error: org/ACME901-hostile.yaml:11:1: unknown key 'run' in rule file"),
 'rule-id-not-filename': ((),
                          'shiftleft: error: org/ACME902-other.yaml:1:5: file name must be ACME901-hostile.yaml to '
                          'match the id and name'),
 'rule-severity-bad': ((),
                       "shiftleft: error: org/ACME901-hostile.yaml:3:11: unknown severity 'apocalyptic' (choose from "
                       'critical, high, medium, low, info)'),
 'rule-huge-file': ((),
                    'shiftleft: error: org/ACME901-hostile.yaml:1:1: file is 1.9 MiB (2,000,190 bytes), over the 1.0 '
                    'MiB (1,048,576 bytes) limit for a manifest'),
 'rule-tag-python': ((),
                     'shiftleft: error: org/ACME901-hostile.yaml:5:10: explicit YAML tag '
                     '!!python/object/apply:os.system is not allowed; remove it'),
 'rule-shadows-shipped-id': ((),
                             'shiftleft: error: org/SL301-rto-within-tier.yaml:1:5: file name must be '
                             'SL301-hostile.yaml to match the id and name'),
 'waiver-far-future': (('shiftleft-waivers.yaml:2:5: HIGH SL903 waiver-too-long waiver for SL324 on svc expires '
                        '9999-12-31, 2912114 days away; medium findings may be waived for at most 180 days',
                        'svc/shiftleft.yaml:18:15: MEDIUM SL324 game-day-recent tier 1 (mission-critical) service '
                        'needs a game day within the 12 months up to 2026-11-25 (game_day: 2025-01-01)'),
                       ''),
 'waiver-year-10000': (('shiftleft-waivers.yaml:2:5: HIGH SL901 waiver-incomplete waiver for SL324 on svc: expires: '
                        "'10000-01-01' is not a date; write YYYY-MM-DD; it accepts nothing until complete",
                        'svc/shiftleft.yaml:18:15: MEDIUM SL324 game-day-recent tier 1 (mission-critical) service '
                        'needs a game day within the 12 months up to 2026-11-25 (game_day: 2025-01-01)'),
                       ''),
 'waiver-not-a-mapping': (('shiftleft-waivers.yaml:1:1: HIGH SL901 waiver-incomplete a waiver file is a mapping '
                           '`waivers:` of a list of waivers',),
                          ''),
 'waiver-waivers-a-string': (('shiftleft-waivers.yaml:1:1: HIGH SL901 waiver-incomplete a waiver file is a mapping '
                              '`waivers:` of a list of waivers',),
                             ''),
 'waiver-duplicate-key': (('shiftleft-waivers.yaml:2:19: HIGH SL901 waiver-incomplete waiver file: duplicate key '
                           "'rule' (first defined on line 2, column 6); keep one of them",),
                          ''),
 'waiver-alias-bomb': (('shiftleft-waivers.yaml:1:32: HIGH SL901 waiver-incomplete waiver file: document has more '
                        'than 20,000 values, counting each alias as a copy; a manifest has a few hundred (remove '
                        'anchors and aliases, or split the file)',),
                       ''),
 'waiver-invalid-utf8': (('shiftleft-waivers.yaml:2:15: HIGH SL901 waiver-incomplete waiver file: not valid UTF-8 '
                          '(byte 0xff); save the file as UTF-8',),
                         ''),
 'waiver-wildcard-rule': (('shiftleft-waivers.yaml:2:5: HIGH SL902 waiver-unknown-target waiver for * on svc: no '
                           'rule * in the catalog; it accepts nothing',
                           'svc/shiftleft.yaml:18:15: MEDIUM SL324 game-day-recent tier 1 (mission-critical) service '
                           'needs a game day within the 12 months up to 2026-11-25 (game_day: 2025-01-01)'),
                          ''),
 'waiver-terminal-escape-reason': (('svc/shiftleft.yaml:18:15: MEDIUM (waived) SL324 game-day-recent tier 1 '
                                    '(mission-critical) service needs a game day within the 12 months up to '
                                    '2026-11-25 (game_day: 2025-01-01)',
                                    '    waived by board until 2027-01-01 (RISK-1, shiftleft-waivers.yaml:2): ok'),
                                   ''),
 'waiver-symlink-outside': (('shiftleft-waivers.yaml:1:1: HIGH SL901 waiver-incomplete the waiver file is a symlink '
                             'that leads outside the repository; it was not read',),
                            ''),
 'key-with-escapes-text': (("svc/shiftleft.yaml:8:3: CRITICAL SL004 unknown-key unknown key 'x\\x1b[31m::error "
                            "file=a::forged' in spec; only x- keys are free for your own use",),
                           ''),
 'key-with-escapes-github': (('::error file=svc/shiftleft.yaml,line=8,col=3,title=SL004 unknown-key::unknown key '
                              "'x\\x1b[31m::error file=a::forged' in spec; only x- keys are free for your own use "
                              '[critical, service svc]',
                              '::stop-commands::{token}',
                              "svc/shiftleft.yaml:8:3: CRITICAL SL004 unknown-key unknown key 'x\\x1b[31m::error "
                              "file=a::forged' in spec; only x- keys are free for your own use",
                              '::{token}::'),
                             ''),
 'newline-command-github': (('::error file=svc/shiftleft.yaml,line=8,col=3,title=SL004 unknown-key::unknown key '
                             "'a\\n::add-mask::x\\n::error::forged' in spec; only x- keys are free for your own use "
                             '[critical, service svc]',
                             '::stop-commands::{token}',
                             'svc/shiftleft.yaml:8:3: CRITICAL SL004 unknown-key unknown key '
                             "'a\\n::add-mask::x\\n::error::forged' in spec; only x- keys are free for your own use",
                             '::{token}::'),
                            ''),
 'html-injection': (("svc/shiftleft.yaml:8:3: CRITICAL SL004 unknown-key unknown key '<script>alert(1)</script>' in "
                     'spec; only x- keys are free for your own use',),
                    ''),
 'markdown-injection': (("svc/shiftleft.yaml:8:3: CRITICAL SL004 unknown-key unknown key '[x](https://evil.example) "
                         "@admin <img src=x>' in spec; only x- keys are free for your own use",),
                        ''),
 'sarif-injection': (('svc/shiftleft.yaml:8:3: CRITICAL SL004 unknown-key unknown key '
                      "'\\u202e\\x1b]8;;http://evil\\x07[x](y)' in spec; only x- keys are free for your own use",),
                     ''),
 'junit-injection': (('svc/shiftleft.yaml:8:3: CRITICAL SL004 unknown-key unknown key \']]></failure><x a="\' in '
                      'spec; only x- keys are free for your own use',),
                     ''),
 'markdown-to-the-log-runner-command-in-a-name': (('## \u274c shiftleft: failed, 1 finding at or above `high`',
                                                   '',
                                                   '**1 finding** in **1 of 1 service**, 99 rules evaluated, as of '
                                                   '2026-11-25. The gate fails on `high` and above.',
                                                   '',
                                                   '| critical | high | medium | low | info |',
                                                   '|---:|---:|---:|---:|---:|',
                                                   '| 1 | 0 | 0 | 0 | 0 |',
                                                   '',
                                                   '### Failing services',
                                                   '',
                                                   '| service | tier | owner | on-call | data | findings | most '
                                                   'severe |',
                                                   '|---|---|---|---|---|---:|---|',
                                                   '| \u274c ##\\[set-output name=a\\]b | 1 mission-critical | team-svc | '
                                                   'svc-primary (24x7) | internal | 1 | **critical** SL006 '
                                                   "invalid-value: metadata.name: '##\\[set-output name=a\\]b' is "
                                                   "not a valid name: lower-case letters, digits and '-', starting "
                                                   'and ending with a letter or digit, at most 63 characters |',
                                                   '',
                                                   '### Waivers expiring soon',
                                                   '',
                                                   'No waivers expire in the next 30 days (no waivers are recorded).',
                                                   '',
                                                   '### Dependency graph',
                                                   '',
                                                   '<details><summary>1 service, 0 dependencies: solid arrows are '
                                                   'hard dependencies, dotted ones soft; fill shows status, border '
                                                   'colour the tier</summary>',
                                                   '',
                                                   '```mermaid',
                                                   'flowchart LR',
                                                   '  s0["#35;#35;#91;set-output name#61;a#93;b<br/>tier 1"]:::fail1',
                                                   '  classDef fail1 '
                                                   'fill:#fde4e1,color:#7f1d1d,stroke:#2563eb,stroke-width:3px',
                                                   '```',
                                                   '',
                                                   '</details>',
                                                   '',
                                                   '### Services with findings',
                                                   '',
                                                   '<details><summary>\u274c ##&#91;set-output name=a]b \xb7 tier 1 \xb7 1 '
                                                   'finding</summary>',
                                                   '',
                                                   'Manifest: svc/shiftleft.yaml \xb7 owner team-svc',
                                                   '',
                                                   '| severity | rule | where | message |',
                                                   '|---|---|---|---|',
                                                   '| critical | SL006 invalid-value | 3:18 | metadata.name: '
                                                   "'##\\[set-output name=a\\]b' is not a valid name: lower-case "
                                                   "letters, digits and '-', starting and ending with a letter or "
                                                   'digit, at most 63 characters |',
                                                   '',
                                                   '**Fix SL006:** Change the value to the type and one of the '
                                                   'choices the message names. Quote values that are text but look '
                                                   'like numbers (`min_tls: "1.2"`).',
                                                   '',
                                                   '</details>',
                                                   ''),
                                                  ''),
 'bidi-in-a-message': (("svc/shiftleft.yaml:8:3: CRITICAL SL004 unknown-key unknown key 'ab\\u202ecd\\u2066' in "
                        'spec; only x- keys are free for your own use',),
                       '')}
