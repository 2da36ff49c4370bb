-- Schema 11: the case-number prefixes each enforcement body owns (a JSON list of strings), so
-- a phone numbers its cases under its own body's prefix. Empty until the next bundle.

ALTER TABLE enforcement_body ADD COLUMN case_number_prefixes TEXT NOT NULL DEFAULT '[]';
