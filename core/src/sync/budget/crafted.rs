//! Hostile Automerge chunks, built byte by byte as the storage format defines them, for the
//! tests that play the attack (unit tests here, the server's and the phone's end to end).
//! Each is a valid change automerge would apply: `tests::crafted_bomb_is_a_real_change`
//! applies a small one.

use std::io::Read;

use automerge::ChangeHash;
use flate2::bufread::DeflateEncoder;
use flate2::Compression;
use sha2::{Digest as _, Sha256};

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// One change by a fresh `actor` (`seq` 1, operations from `start_op`, after `deps`) that
/// makes a list under the root key `key` and inserts `n` nulls into it: about a hundred
/// bytes whatever `n` is, since every column is one run or two.
pub fn list_bomb(actor: &[u8], start_op: u64, deps: &[ChangeHash], key: &str, n: u64) -> Vec<u8> {
    let body = change_body(
        actor,
        start_op,
        deps,
        &insert_columns(key, 2, start_op, n, None),
    );
    chunk(1, &chunk_checksum(1, &body), &body)
}

/// `list_bomb`'s operations in other bytes: the root key written as a run of one rather than
/// the literal automerge writes. Automerge applies it, but the change re-encodes to another
/// hash, so a document holding it no longer saves and loads as itself.
pub fn non_canonical(
    actor: &[u8],
    start_op: u64,
    deps: &[ChangeHash],
    key: &str,
    n: u64,
) -> Vec<u8> {
    let mut columns = insert_columns(key, 2, start_op, n, None);
    let key_str = &mut columns
        .iter_mut()
        .find(|c| c.0 == 0x15)
        .expect("key column")
        .1;
    key_str[0] = 0x01;
    let body = change_body(actor, start_op, deps, &columns);
    chunk(1, &chunk_checksum(1, &body), &body)
}

/// The same shape as a text of `n` letters "a", DEFLATE-compressed: the letters compress
/// about a thousandfold, so the chunk is small and inflates to more than `n` bytes.
pub fn text_bomb(actor: &[u8], start_op: u64, deps: &[ChangeHash], key: &str, n: u64) -> Vec<u8> {
    let body = change_body(
        actor,
        start_op,
        deps,
        &insert_columns(key, 4, start_op, n, Some(b'a')),
    );
    let checksum = chunk_checksum(1, &body);
    let mut deflated = Vec::new();
    DeflateEncoder::new(&body[..], Compression::best())
        .read_to_end(&mut deflated)
        .expect("in memory");
    chunk(2, &checksum, &deflated)
}

/// The columns of `[make object at root key][insert × n]`, the object made by `make` (2 a
/// list, 4 a text); each insert is a null, or the one-byte string `letter`.
fn insert_columns(
    key: &str,
    make: u64,
    start_op: u64,
    n: u64,
    letter: Option<u8>,
) -> Vec<(u32, Vec<u8>)> {
    assert!(n >= 4, "a bomb has runs");
    let n_i = n as i64;
    let mut obj_actor = Vec::new();
    null_run(&mut obj_actor, 1);
    run_u(&mut obj_actor, n_i, 0);
    let mut obj_ctr = Vec::new();
    null_run(&mut obj_ctr, 1);
    run_u(&mut obj_ctr, n_i, start_op);
    let mut key_actor = Vec::new();
    null_run(&mut key_actor, 2);
    run_u(&mut key_actor, n_i - 1, 0);
    // Absolute key counters: none, HEAD (0), then each insert after the one before it (as
    // deltas: 0, start_op + 1, then 1s).
    let mut key_ctr = Vec::new();
    null_run(&mut key_ctr, 1);
    sleb(&mut key_ctr, -2);
    sleb(&mut key_ctr, 0);
    sleb(&mut key_ctr, start_op as i64 + 1);
    run_s(&mut key_ctr, n_i - 2, 1);
    let mut key_str = Vec::new();
    sleb(&mut key_str, -1);
    uleb(&mut key_str, key.len() as u64);
    key_str.extend(key.as_bytes());
    null_run(&mut key_str, n);
    let mut insert = Vec::new();
    uleb(&mut insert, 1);
    uleb(&mut insert, n);
    let mut action = Vec::new();
    run_u(&mut action, 1, make);
    run_u(&mut action, n_i, 1);
    let mut val_len = Vec::new();
    let mut columns = vec![
        (0x01, obj_actor),
        (0x02, obj_ctr),
        (0x11, key_actor),
        (0x13, key_ctr),
        (0x15, key_str),
        (0x34, insert),
        (0x42, action),
    ];
    match letter {
        None => {
            run_u(&mut val_len, n_i + 1, 0);
            columns.push((0x56, val_len));
        }
        Some(letter) => {
            // A string of one byte: (length 1 << 4) | type 6.
            run_u(&mut val_len, 1, 0);
            run_u(&mut val_len, n_i, (1 << 4) | 6);
            columns.push((0x56, val_len));
            columns.push((0x57, vec![letter; n as usize]));
        }
    }
    let mut pred = Vec::new();
    run_u(&mut pred, n_i + 1, 0);
    columns.push((0x70, pred));
    columns
}

fn change_body(
    actor: &[u8],
    start_op: u64,
    deps: &[ChangeHash],
    columns: &[(u32, Vec<u8>)],
) -> Vec<u8> {
    let mut body = Vec::new();
    uleb(&mut body, deps.len() as u64);
    for dep in deps {
        body.extend(dep.0);
    }
    uleb(&mut body, actor.len() as u64);
    body.extend(actor);
    uleb(&mut body, 1); // seq
    uleb(&mut body, start_op);
    sleb(&mut body, 0); // time
    uleb(&mut body, 0); // message
    uleb(&mut body, 0); // other actors
    uleb(&mut body, columns.len() as u64);
    for (spec, data) in columns {
        uleb(&mut body, u64::from(*spec));
        uleb(&mut body, data.len() as u64);
    }
    for (_, data) in columns {
        body.extend(data);
    }
    body
}

/// A chunk's checksum: the first four bytes of SHA-256 over its type, length and body.
fn chunk_checksum(kind: u8, body: &[u8]) -> [u8; 4] {
    let mut hasher = Sha256::new();
    hasher.update([kind]);
    let mut len = Vec::new();
    uleb(&mut len, body.len() as u64);
    hasher.update(&len);
    hasher.update(body);
    let hash = hasher.finalize();
    [hash[0], hash[1], hash[2], hash[3]]
}

fn chunk(kind: u8, checksum: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend(checksum);
    out.push(kind);
    uleb(&mut out, data.len() as u64);
    out.extend(data);
    out
}

fn uleb(out: &mut Vec<u8>, v: u64) {
    leb128::write::unsigned(out, v).expect("in memory");
}

fn sleb(out: &mut Vec<u8>, v: i64) {
    leb128::write::signed(out, v).expect("in memory");
}

fn null_run(out: &mut Vec<u8>, n: u64) {
    sleb(out, 0);
    uleb(out, n);
}

/// A run of `n` equal values; a lone value is a literal run, as automerge writes it (the
/// encoding is canonical: a change hashes the same once a document re-encodes it).
fn run_u(out: &mut Vec<u8>, n: i64, value: u64) {
    sleb(out, if n == 1 { -1 } else { n });
    uleb(out, value);
}

fn run_s(out: &mut Vec<u8>, n: i64, value: i64) {
    sleb(out, if n == 1 { -1 } else { n });
    sleb(out, value);
}
