-- Schema 8: what an enforcement body's documents print besides its name (Art. 44, 52, 59 of
-- the Administrative Penalty Law): its address, the reconsideration body and the court named
-- on every decision, the bank account fines are paid into, the wording of its seal. Empty
-- until the next bundle brings them.

ALTER TABLE enforcement_body ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE enforcement_body ADD COLUMN reconsideration_body TEXT NOT NULL DEFAULT '';
ALTER TABLE enforcement_body ADD COLUMN court TEXT NOT NULL DEFAULT '';
ALTER TABLE enforcement_body ADD COLUMN payment_bank TEXT NOT NULL DEFAULT '';
ALTER TABLE enforcement_body ADD COLUMN payment_account TEXT NOT NULL DEFAULT '';
ALTER TABLE enforcement_body ADD COLUMN seal_name TEXT NOT NULL DEFAULT '';
