"""Landing-file and source-database ingestion into the landing schema."""
