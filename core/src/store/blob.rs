//! Content-addressed blobs (evidence photos, audio, signatures): a file per blob, named by the
//! SHA-256 of its content, written to a temporary file, synced and renamed into place, so a
//! blob is either whole or absent.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::StoreError;

/// The SHA-256 of a blob's content; shown as 64 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobHash(pub [u8; 32]);

impl BlobHash {
    pub fn of(content: &[u8]) -> BlobHash {
        BlobHash(Sha256::digest(content).into())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl std::fmt::Display for BlobHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl std::str::FromStr for BlobHash {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes)
            .map_err(|_| StoreError::Decode("a blob hash is 64 hex digits".into()))?;
        Ok(BlobHash(bytes))
    }
}

#[derive(Debug)]
pub struct BlobStore {
    dir: PathBuf,
}

impl BlobStore {
    pub(super) fn open(dir: PathBuf) -> Result<BlobStore, StoreError> {
        fs::create_dir_all(dir.join("tmp"))?;
        Ok(BlobStore { dir })
    }

    /// Stores `content`; storing the same content again is a no-op.
    pub fn put(&self, content: &[u8]) -> Result<BlobHash, StoreError> {
        self.put_reader(content)
    }

    /// Streams `reader` into the store, hashing as it goes.
    pub fn put_reader(&self, mut reader: impl Read) -> Result<BlobHash, StoreError> {
        let mut temp = tempfile_in(&self.dir.join("tmp"))?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            hasher.update(&buffer[..read]);
            temp.file.write_all(&buffer[..read])?;
        }
        temp.file.sync_all()?;
        let hash = BlobHash(hasher.finalize().into());
        let target = self.path_of(&hash);
        if target.exists() {
            fs::remove_file(&temp.path)?;
            return Ok(hash);
        }
        let shard = target.parent().expect("blob paths have a shard directory");
        fs::create_dir_all(shard)?;
        fs::rename(&temp.path, &target)?;
        sync_dir(shard)?;
        Ok(hash)
    }

    pub fn contains(&self, hash: &BlobHash) -> bool {
        self.path_of(hash).is_file()
    }

    /// Reads a blob and checks it still matches its hash.
    pub fn get(&self, hash: &BlobHash) -> Result<Vec<u8>, StoreError> {
        let content = match fs::read(self.path_of(hash)) {
            Ok(content) => content,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::BlobNotFound(*hash))
            }
            Err(e) => return Err(e.into()),
        };
        if BlobHash::of(&content) != *hash {
            return Err(StoreError::BlobCorrupt(*hash));
        }
        Ok(content)
    }

    /// `blobs/ab/abcdef…`: two-hex-digit shards keep directories small.
    pub fn path_of(&self, hash: &BlobHash) -> PathBuf {
        let hex = hash.to_hex();
        self.dir.join(&hex[..2]).join(hex)
    }
}

struct TempFile {
    path: PathBuf,
    file: File,
}

fn tempfile_in(dir: &Path) -> Result<TempFile, StoreError> {
    let path = dir.join(uuid::Uuid::now_v7().to_string());
    let file = File::options().write(true).create_new(true).open(&path)?;
    Ok(TempFile { path, file })
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    // Makes the rename durable on POSIX; directories cannot be opened this way on Windows.
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_addressed_by_content_and_deduplicated() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::open(dir.path().to_path_buf()).unwrap();
        let photo = b"\xff\xd8\xff\xe0 photo bytes".repeat(10_000);
        let hash = blobs.put(&photo).unwrap();
        assert_eq!(hash, BlobHash::of(&photo));
        assert_eq!(blobs.put(&photo).unwrap(), hash);
        assert_eq!(blobs.get(&hash).unwrap(), photo);
        assert_eq!(hash.to_hex().parse::<BlobHash>().unwrap(), hash);
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn missing_and_damaged_blobs_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::open(dir.path().to_path_buf()).unwrap();
        let absent = BlobHash::of(b"never stored");
        assert!(matches!(
            blobs.get(&absent),
            Err(StoreError::BlobNotFound(_))
        ));
        let hash = blobs.put(b"evidence").unwrap();
        fs::write(blobs.path_of(&hash), b"evidencf").unwrap();
        assert!(matches!(blobs.get(&hash), Err(StoreError::BlobCorrupt(_))));
        assert!("xyz".parse::<BlobHash>().is_err());
    }
}
