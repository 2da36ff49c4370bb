-- Schema 9: procedural authorities of officers (立案审批, 法制审核, 集体讨论, 延期审批) and a
-- sector's own decision period (Art. 60), both carried by the catalogue.

ALTER TABLE officer ADD COLUMN roles TEXT NOT NULL DEFAULT '[]'; -- JSON array of OfficerRole
ALTER TABLE enforcement_item ADD COLUMN decision_days INTEGER;
