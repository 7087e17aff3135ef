"""attachment-kit engine: content YAML -> validated models -> layouts -> branded PDF packs."""

__version__ = "1.0.0"
