//! The encrypted file format of evidence blobs: XChaCha20-Poly1305 in the STREAM construction
//! (`aead::stream`, big-endian 32-bit counter and last-segment flag in each nonce), so a file
//! of any size is written and read one 64 KiB segment at a time.
//!
//! Layout: `ZHBLOB` 0x00 0x01, a random 19-byte stream nonce, then segments, each a chunk's
//! ciphertext and its 16-byte tag. Every chunk but the last holds exactly `CHUNK` bytes; the
//! last holds fewer (maybe none), so the length says which segment is last, and a file cut at
//! a segment boundary, reordered, or altered anywhere fails to decrypt. The header is each
//! segment's associated data.

use std::io::{self, Read, Write};

use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::KeyInit;
use chacha20poly1305::XChaCha20Poly1305;
use rand_core::{OsRng, RngCore};

const MAGIC: &[u8; 8] = b"ZHBLOB\x00\x01";
const NONCE_LEN: usize = 19;
pub(super) const HEADER_LEN: usize = MAGIC.len() + NONCE_LEN;
pub(super) const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

/// Encrypts what is written to it into `out`; `finish` seals the last segment.
pub(super) struct SealedWriter<W: Write> {
    out: W,
    header: [u8; HEADER_LEN],
    encryptor: EncryptorBE32<XChaCha20Poly1305>,
    buffer: Vec<u8>,
}

impl<W: Write> SealedWriter<W> {
    pub(super) fn new(key: &[u8; 32], mut out: W) -> io::Result<SealedWriter<W>> {
        let mut header = [0u8; HEADER_LEN];
        header[..MAGIC.len()].copy_from_slice(MAGIC);
        OsRng.fill_bytes(&mut header[MAGIC.len()..]);
        out.write_all(&header)?;
        let encryptor = EncryptorBE32::from_aead(
            XChaCha20Poly1305::new(key.into()),
            &stream_nonce(&header).into(),
        );
        Ok(SealedWriter {
            out,
            header,
            encryptor,
            buffer: Vec::with_capacity(CHUNK + TAG),
        })
    }

    /// Encrypts `data`, writing every chunk it completes.
    pub(super) fn write_all(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let take = (CHUNK - self.buffer.len()).min(data.len());
            self.buffer.extend_from_slice(&data[..take]);
            data = &data[take..];
            // A full chunk is never the last one: the last is always shorter.
            if self.buffer.len() == CHUNK {
                self.encryptor
                    .encrypt_next_in_place(&self.header, &mut self.buffer)
                    .map_err(|_| io::Error::other("segment counter exhausted"))?;
                self.out.write_all(&self.buffer)?;
                self.buffer.clear();
            }
        }
        Ok(())
    }

    /// Seals the last (short, maybe empty) chunk and returns the output.
    pub(super) fn finish(mut self) -> io::Result<W> {
        self.encryptor
            .encrypt_last_in_place(&self.header, &mut self.buffer)
            .map_err(|_| io::Error::other("segment counter exhausted"))?;
        self.out.write_all(&self.buffer)?;
        Ok(self.out)
    }
}

/// Decrypts a sealed file as it is read. Any damage is an `InvalidData` error.
pub(super) struct SealedReader<R: Read> {
    input: R,
    header: [u8; HEADER_LEN],
    decryptor: Option<DecryptorBE32<XChaCha20Poly1305>>,
    plain: Vec<u8>,
    at: usize,
}

pub(super) fn damaged() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "sealed file is damaged")
}

impl<R: Read> SealedReader<R> {
    pub(super) fn new(key: &[u8; 32], mut input: R) -> io::Result<SealedReader<R>> {
        let mut header = [0u8; HEADER_LEN];
        if fill(&mut input, &mut header)? != HEADER_LEN || &header[..MAGIC.len()] != MAGIC {
            return Err(damaged());
        }
        let decryptor = DecryptorBE32::from_aead(
            XChaCha20Poly1305::new(key.into()),
            &stream_nonce(&header).into(),
        );
        Ok(SealedReader {
            input,
            header,
            decryptor: Some(decryptor),
            plain: Vec::with_capacity(CHUNK + TAG),
            at: 0,
        })
    }

    /// Reads and decrypts the next segment into `plain`; false once the last was read.
    fn next_segment(&mut self) -> io::Result<bool> {
        let Some(decryptor) = self.decryptor.as_mut() else {
            return Ok(false);
        };
        self.plain.resize(CHUNK + TAG, 0);
        let got = fill(&mut self.input, &mut self.plain)?;
        self.plain.truncate(got);
        self.at = 0;
        if got == CHUNK + TAG {
            decryptor
                .decrypt_next_in_place(&self.header, &mut self.plain)
                .map_err(|_| damaged())?;
        } else if got >= TAG {
            let last = self.decryptor.take().expect("checked above");
            last.decrypt_last_in_place(&self.header, &mut self.plain)
                .map_err(|_| damaged())?;
        } else {
            // Cut short: the last segment is missing.
            return Err(damaged());
        }
        Ok(true)
    }
}

impl<R: Read> Read for SealedReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.plain.len() {
            if !self.next_segment()? {
                return Ok(0);
            }
        }
        let n = (self.plain.len() - self.at).min(out.len());
        out[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn stream_nonce(header: &[u8; HEADER_LEN]) -> [u8; NONCE_LEN] {
    header[MAGIC.len()..]
        .try_into()
        .expect("the header ends with the nonce")
}

/// The plaintext length of a sealed file of `file_len` bytes, if that length is possible.
pub(super) fn plaintext_len(file_len: u64) -> Option<u64> {
    let body = file_len.checked_sub(HEADER_LEN as u64)?;
    let segment = (CHUNK + TAG) as u64;
    let segments = body / segment + 1;
    if body % segment < TAG as u64 {
        return None;
    }
    Some(body - segments * TAG as u64)
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn fill(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(key: &[u8; 32], content: &[u8]) -> Vec<u8> {
        let mut writer = SealedWriter::new(key, Vec::new()).unwrap();
        // Uneven writes, as a camera stream delivers them.
        for piece in content.chunks(10_007) {
            writer.write_all(piece).unwrap();
        }
        writer.finish().unwrap()
    }

    fn open(key: &[u8; 32], sealed: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        SealedReader::new(key, sealed)?.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn round_trips_every_length_around_a_chunk_boundary() {
        let key = [7u8; 32];
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5] {
            let content: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let sealed = seal(&key, &content);
            assert_eq!(plaintext_len(sealed.len() as u64), Some(len as u64));
            assert_eq!(open(&key, &sealed).unwrap(), content, "length {len}");
            if len > 64 {
                assert!(!sealed.windows(64).any(|w| w == &content[..64]));
            }
        }
    }

    #[test]
    fn truncation_reordering_tampering_and_the_wrong_key_are_refused() {
        let key = [7u8; 32];
        let content: Vec<u8> = (0..3 * CHUNK + 100).map(|i| (i % 249) as u8).collect();
        let sealed = seal(&key, &content);
        let segment = CHUNK + TAG;
        let invalid = |bytes: &[u8], k: &[u8; 32]| {
            open(k, bytes).unwrap_err().kind() == io::ErrorKind::InvalidData
        };
        // Cut exactly after a full segment: it would look whole without the last flag.
        assert!(invalid(&sealed[..HEADER_LEN + 2 * segment], &key));
        assert!(invalid(&sealed[..sealed.len() - 1], &key));
        let mut swapped = sealed.clone();
        let (a, b) = (HEADER_LEN, HEADER_LEN + segment);
        let first: Vec<u8> = swapped[a..b].to_vec();
        swapped.copy_within(b..b + segment, a);
        swapped[b..b + segment].copy_from_slice(&first);
        assert!(invalid(&swapped, &key));
        let mut flipped = sealed.clone();
        flipped[HEADER_LEN + 2 * segment + 9] ^= 0x40;
        assert!(invalid(&flipped, &key));
        assert!(invalid(&sealed, &[8u8; 32]));
        assert!(invalid(b"plain photo bytes", &key));
    }
}
