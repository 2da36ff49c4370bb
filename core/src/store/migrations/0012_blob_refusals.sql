-- Schema 11: an evidence file the server refused is that file's refusal, kept in the upload
-- queue with its reason (`sync::BlobRefusal`); whether a later sync retries it follows from
-- the reason.
ALTER TABLE blob_upload ADD COLUMN refused TEXT;
