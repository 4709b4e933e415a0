"""Governance (DESIGN.md section 6): who judges a change (`check --base REF`), waivers, baseline, drift.

One module per concept: `session` (the run's governance step), `basepolicy`
(the policy read from a commit), `gitread` (git, argument lists only),
`waivers`, `baseline`, `drift` (manifest downgrades), `policydiff` (the
pull request's policy edits) and `apply` (all of it applied to a result).
"""
