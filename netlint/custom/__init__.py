"""Custom rules as data: rule folders outside the package (config `rules_dirs:`), the
json-schema check and the simple templates, and data-catalog overrides from the config."""
