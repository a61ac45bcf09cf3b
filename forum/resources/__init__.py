"""The resource library: recordings, documents, web links and short guides from the community."""
