"""attachment-kit engine: content YAML -> validated models -> layouts -> branded PDF packs."""
