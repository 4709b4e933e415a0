"""Reading manifests: safe YAML with positions, schema validation, typed values."""
