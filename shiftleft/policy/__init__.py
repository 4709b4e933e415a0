"""Policy: the tier table, the rule catalog and the CEL binding."""
