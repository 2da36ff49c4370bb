//! Content-addressed blobs (evidence photos, audio, signatures): a file per blob, addressed by
//! the SHA-256 of its content, encrypted, written to an owner-only temporary file, synced and
//! renamed into place, so a blob is either whole or absent.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::sealed::{self, SealedReader, SealedWriter};
use super::{files, StoreError};
use crate::crypto::DataKey;

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

/// The evidence files: one sealed file per blob (`sealed`, under a key derived from the data
/// key), named by a keyed hash of the content's SHA-256 so that a copied folder does not tell
/// which known file it holds. Hashes everywhere else (documents, the server) stay the SHA-256
/// of the plaintext.
pub struct BlobStore {
    dir: PathBuf,
    content_key: Zeroizing<[u8; 32]>,
    name_key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobStore")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

const CONTENT_KEY_LABEL: &str = "zhifa/store/blob-content/v1";
const NAME_KEY_LABEL: &str = "zhifa/store/blob-name/v1";
const SEALED_EXTENSION: &str = "sealed";
const TEMP_DIR: &str = "tmp";

impl BlobStore {
    pub(super) fn open(dir: PathBuf, key: &DataKey) -> Result<BlobStore, StoreError> {
        files::private_dir(&dir)?;
        files::private_dir(&dir.join(TEMP_DIR))?;
        remove_abandoned(&dir.join(TEMP_DIR));
        Ok(BlobStore {
            dir,
            content_key: key.derive(CONTENT_KEY_LABEL),
            name_key: key.derive(NAME_KEY_LABEL),
        })
    }

    /// Stores `content`; storing the same content again is a no-op.
    pub fn put(&self, content: &[u8]) -> Result<BlobHash, StoreError> {
        self.put_reader(content)
    }

    /// Streams `reader` into the store, hashing and encrypting as it goes: a file of any
    /// size passes through one 64 KiB buffer.
    pub fn put_reader(&self, mut reader: impl Read) -> Result<BlobHash, StoreError> {
        let temp = self
            .dir
            .join(TEMP_DIR)
            .join(uuid::Uuid::now_v7().to_string());
        let stored = (|| {
            let file = files::private_new().open(&temp)?;
            let mut writer = SealedWriter::new(&self.content_key, file)?;
            let mut hasher = Sha256::new();
            let mut buffer = vec![0u8; sealed::CHUNK];
            loop {
                let read = match reader.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(StoreError::from(e)),
                };
                hasher.update(&buffer[..read]);
                writer.write_all(&buffer[..read])?;
            }
            writer.finish()?.sync_all()?;
            let hash = BlobHash(hasher.finalize().into());
            let target = self.path_of(&hash);
            if target.exists() {
                fs::remove_file(&temp)?;
                return Ok(hash);
            }
            let shard = target.parent().expect("blob paths have a shard directory");
            files::private_dir(shard)?;
            fs::rename(&temp, &target)?;
            files::sync_dir(shard)?;
            Ok(hash)
        })();
        if stored.is_err() {
            let _ = fs::remove_file(&temp);
        }
        stored
    }

    pub fn contains(&self, hash: &BlobHash) -> bool {
        self.path_of(hash).is_file()
    }

    /// The content's length in bytes (the file on disk is longer: header and tags).
    pub fn size(&self, hash: &BlobHash) -> Result<u64, StoreError> {
        let length = match fs::metadata(self.path_of(hash)) {
            Ok(metadata) => metadata.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::BlobNotFound(*hash))
            }
            Err(e) => return Err(e.into()),
        };
        sealed::plaintext_len(length).ok_or(StoreError::BlobCorrupt(*hash))
    }

    /// Reads a blob as a stream, decrypting one segment at a time; the end of the stream
    /// checks the content against its hash. Damage is an `InvalidData` read error.
    pub fn open_reader(&self, hash: &BlobHash) -> Result<BlobReader, StoreError> {
        let file = match File::open(self.path_of(hash)) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::BlobNotFound(*hash))
            }
            Err(e) => return Err(e.into()),
        };
        let inner = SealedReader::new(&self.content_key, file).map_err(|e| blob_error(e, hash))?;
        Ok(BlobReader {
            inner,
            hasher: Some(Sha256::new()),
            expected: *hash,
        })
    }

    /// Reads a whole blob and checks it still matches its hash; a tampered file is
    /// `BlobCorrupt`.
    pub fn get(&self, hash: &BlobHash) -> Result<Vec<u8>, StoreError> {
        let mut content = Vec::with_capacity(self.size(hash)? as usize);
        self.open_reader(hash)?
            .read_to_end(&mut content)
            .map_err(|e| blob_error(e, hash))?;
        Ok(content)
    }

    /// Writes the content to `path` (a file the app names, in its cache), owner-only,
    /// through a temporary file beside it renamed into place only once the whole content
    /// checked against its hash: a damaged blob leaves nothing at `path`. Returns its length.
    pub fn export(&self, hash: &BlobHash, path: &Path) -> Result<u64, StoreError> {
        let mut reader = self.open_reader(hash)?;
        let name = path
            .file_name()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
        let temp = path.with_file_name(format!(
            ".{}.{}.part",
            name.to_string_lossy(),
            uuid::Uuid::now_v7()
        ));
        let written = (|| {
            let mut file = files::private_new().open(&temp)?;
            let length = std::io::copy(&mut reader, &mut file).map_err(|e| blob_error(e, hash))?;
            file.sync_all()?;
            fs::rename(&temp, path)?;
            Ok(length)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }

    /// `blobs/ab/abcdef….sealed`, the hex of HMAC-SHA256(name key, hash), two-digit shards
    /// keeping directories small. The file is encrypted: read it with `get` or `open_reader`.
    pub fn path_of(&self, hash: &BlobHash) -> PathBuf {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.name_key.as_ref())
            .expect("HMAC takes a key of any length");
        mac.update(&hash.0);
        let name = hex::encode(mac.finalize().into_bytes());
        self.dir
            .join(&name[..2])
            .join(format!("{name}.{SEALED_EXTENSION}"))
    }

    /// Encrypts the plaintext files an older app wrote (`blobs/ab/<sha-256 hex>`), each
    /// removed only once its sealed copy is durable, so a crash midway loses none and the
    /// next open finishes the rest. Its partial temporary files are removed.
    pub(super) fn seal_plaintext_files(&self) -> Result<usize, StoreError> {
        let mut sealed = 0;
        for shard in fs::read_dir(&self.dir)? {
            let shard = shard?.path();
            if !shard.is_dir() {
                continue;
            }
            if shard.file_name() == Some(TEMP_DIR.as_ref()) {
                for partial in fs::read_dir(&shard)? {
                    fs::remove_file(partial?.path())?;
                }
                continue;
            }
            files::private_dir(&shard)?;
            for file in fs::read_dir(&shard)? {
                let path = file?.path();
                let is_plaintext = path.extension().is_none()
                    && path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.len() == 64 && n.bytes().all(|b| b.is_ascii_hexdigit()));
                if !is_plaintext || !path.is_file() {
                    continue;
                }
                // Stored under its content's hash: a damaged file is kept, not dropped.
                self.put_reader(File::open(&path)?)?;
                fs::remove_file(&path)?;
                files::sync_dir(&shard)?;
                sealed += 1;
            }
        }
        Ok(sealed)
    }
}

/// A blob being read: plaintext out, checked against its hash at the end.
pub struct BlobReader {
    inner: SealedReader<File>,
    hasher: Option<Sha256>,
    expected: BlobHash,
}

impl Read for BlobReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        if n > 0 {
            if let Some(hasher) = self.hasher.as_mut() {
                hasher.update(&out[..n]);
            }
        } else if let Some(hasher) = self.hasher.take() {
            if BlobHash(hasher.finalize().into()) != self.expected {
                return Err(sealed::damaged());
            }
        }
        Ok(n)
    }
}

/// A capture cut off (the app killed before its rename) leaves its temporary file behind;
/// one an hour old belongs to no capture still running. Best effort: a file that cannot be
/// removed now is tried again at the next open.
fn remove_abandoned(temp_dir: &std::path::Path) {
    let Ok(entries) = fs::read_dir(temp_dir) else {
        return;
    };
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in entries.flatten() {
        let abandoned = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified < an_hour_ago);
        if abandoned {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn blob_error(error: std::io::Error, hash: &BlobHash) -> StoreError {
    if error.kind() == std::io::ErrorKind::InvalidData {
        StoreError::BlobCorrupt(*hash)
    } else {
        StoreError::Io(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob_store(dir: &std::path::Path, key: &DataKey) -> BlobStore {
        BlobStore::open(dir.to_path_buf(), key).unwrap()
    }

    #[test]
    fn a_capture_cut_off_an_hour_ago_leaves_no_temporary_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        let key = DataKey::generate();
        drop(blob_store(dir.path(), &key));
        let temp = dir.path().join(TEMP_DIR);
        let (old, fresh) = (temp.join("cut-off"), temp.join("running"));
        fs::write(&old, b"sealed half").unwrap();
        fs::write(&fresh, b"sealed half").unwrap();
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
        drop(blob_store(dir.path(), &key));
        assert!(!old.exists());
        assert!(fresh.exists(), "a capture that may still run is left alone");
    }

    #[test]
    fn blobs_are_addressed_by_content_deduplicated_and_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let key = DataKey::generate();
        let blobs = blob_store(dir.path(), &key);
        let photo = b"\xff\xd8\xff\xe0 photo bytes".repeat(10_000);
        let hash = blobs.put(&photo).unwrap();
        assert_eq!(hash, BlobHash::of(&photo));
        assert_eq!(blobs.put(&photo).unwrap(), hash);
        assert_eq!(blobs.get(&hash).unwrap(), photo);
        assert_eq!(blobs.size(&hash).unwrap(), photo.len() as u64);
        assert_eq!(hash.to_hex().parse::<BlobHash>().unwrap(), hash);
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);

        // On disk: neither the content nor its well-known hash.
        let path = blobs.path_of(&hash);
        let on_disk = fs::read(&path).unwrap();
        assert!(!on_disk.windows(32).any(|w| w == &photo[..32]));
        assert!(!path.to_string_lossy().contains(&hash.to_hex()));
        // Another store's key names and reads it differently.
        let other = blob_store(dir.path(), &DataKey::generate());
        assert_ne!(other.path_of(&hash), path);
        assert!(!other.contains(&hash));
    }

    #[test]
    fn missing_and_damaged_blobs_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = blob_store(dir.path(), &DataKey::generate());
        let absent = BlobHash::of(b"never stored");
        assert!(matches!(
            blobs.get(&absent),
            Err(StoreError::BlobNotFound(_))
        ));
        let hash = blobs.put(b"evidence").unwrap();
        let mut bytes = fs::read(blobs.path_of(&hash)).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(blobs.path_of(&hash), &bytes).unwrap();
        assert!(matches!(blobs.get(&hash), Err(StoreError::BlobCorrupt(_))));
        fs::write(blobs.path_of(&hash), b"evidencf").unwrap();
        assert!(matches!(blobs.get(&hash), Err(StoreError::BlobCorrupt(_))));
        assert!("xyz".parse::<BlobHash>().is_err());
    }

    #[test]
    fn a_sealed_file_moved_under_another_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = blob_store(dir.path(), &DataKey::generate());
        let a = blobs.put(b"photo A").unwrap();
        let b = blobs.put(b"photo B").unwrap();
        fs::copy(blobs.path_of(&a), blobs.path_of(&b)).unwrap();
        assert!(matches!(blobs.get(&b), Err(StoreError::BlobCorrupt(_))));
        assert_eq!(blobs.get(&a).unwrap(), b"photo A");
    }

    #[test]
    fn a_large_file_streams_in_and_out() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = blob_store(dir.path(), &DataKey::generate());
        // 5 MiB and a bit, produced by a reader: never a whole copy in memory on the way in.
        let len = 5 * 1024 * 1024 + 3;
        let source = std::io::repeat(0x5a).take(len as u64);
        let hash = blobs.put_reader(source).unwrap();
        assert_eq!(hash, BlobHash::of(&vec![0x5a; len]));
        assert_eq!(blobs.size(&hash).unwrap(), len as u64);
        let mut reader = blobs.open_reader(&hash).unwrap();
        let mut total = 0;
        let mut chunk = [0u8; 1000];
        loop {
            let n = reader.read(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            assert!(chunk[..n].iter().all(|&b| b == 0x5a));
            total += n;
        }
        assert_eq!(total, len);
    }

    #[test]
    fn plaintext_files_of_an_older_app_are_sealed_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let photo = b"an older app's photo".to_vec();
        let hash = BlobHash::of(&photo);
        let hex = hash.to_hex();
        fs::create_dir_all(dir.path().join(&hex[..2])).unwrap();
        let old = dir.path().join(&hex[..2]).join(&hex);
        fs::write(&old, &photo).unwrap();
        fs::create_dir_all(dir.path().join("tmp")).unwrap();
        fs::write(dir.path().join("tmp").join("partial"), b"half a pho").unwrap();

        let blobs = blob_store(dir.path(), &DataKey::generate());
        assert_eq!(blobs.seal_plaintext_files().unwrap(), 1);
        assert!(!old.exists());
        assert_eq!(blobs.get(&hash).unwrap(), photo);
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
        assert_eq!(blobs.seal_plaintext_files().unwrap(), 0, "done once");
    }
}
