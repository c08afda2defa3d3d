-- Trigram indexes for title and handle search (docs/product.md §1 search). pg_trgm is a trusted extension,
-- so the database owner may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
