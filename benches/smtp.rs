//! One SMTP password derivation beside, in the same run, its bare lower bound (the 20
//! SHA-256 compressions the chain costs: 5 HMACs of 4 blocks each) and the same chain done
//! naively (fresh `String`s and `Vec`s per step, `format!`, Base64 to a `String`).
//!
//! `cargo bench --bench smtp`. Target: `password_into` within 1.3x of the lower bound.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs,
    reason = "a benchmark"
)]

use std::hint::black_box;

use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit as _, Mac as _};
use ses_broker::{smtp, values::Region, values::SecretAccessKey};
use sha2::Sha256;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-gov-west-1";

/// 20 compressions, each on the state the previous one left, so none can be skipped or
/// overlapped: the floor for any implementation built on this SHA-256 backend.
/// The starting state does not change the cost, so it is a plain argument.
fn lower_bound(mut state: [u32; 8], block: &[u8; 64]) -> [u32; 8] {
    for _ in 0..20 {
        sha2::block_api::compress256(&mut state, core::slice::from_ref(block));
    }
    state
}

/// The chain on the `hmac` crate without allocating: what the library did first.
fn hmac_crate(secret: &str, region: &str, out: &mut [u8; 44]) -> usize {
    let mut key = [0_u8; 64];
    key[..4].copy_from_slice(b"AWS4");
    key[4..4 + secret.len()].copy_from_slice(secret.as_bytes());
    let mut mac = Hmac::<Sha256>::new_from_slice(&key[..4 + secret.len()]).unwrap();
    mac.update(b"11111111");
    let mut k: [u8; 32] = mac.finalize().into_bytes().into();
    for data in [region.as_bytes(), b"ses", b"aws4_request", b"SendRawEmail"] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&k).unwrap();
        mac.update(data);
        k = mac.finalize().into_bytes().into();
    }
    let mut raw = [0x04_u8; 33];
    raw[1..].copy_from_slice(&k);
    base64::engine::general_purpose::STANDARD
        .encode_slice(raw, out)
        .unwrap()
}

/// The chain as it is often written: every step allocates.
fn naive(secret: &str, region: &str) -> String {
    let step = |key: Vec<u8>, data: String| -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    };
    let key = format!("AWS4{secret}").into_bytes();
    let key = step(key, "11111111".to_string());
    let key = step(key, region.to_string());
    let key = step(key, "ses".to_string());
    let key = step(key, "aws4_request".to_string());
    let signature = step(key, "SendRawEmail".to_string());
    let mut raw = vec![0x04_u8];
    raw.extend_from_slice(&signature);
    base64::engine::general_purpose::STANDARD.encode(raw)
}

fn bench(c: &mut Criterion) {
    let secret = SecretAccessKey::parse(SECRET).unwrap();
    let region = Region::parse(REGION).unwrap();
    assert_eq!(
        naive(SECRET, REGION),
        smtp::password(&secret, &region).expose_secret()
    );
    let mut buf = [0_u8; 44];
    hmac_crate(SECRET, REGION, &mut buf);
    assert_eq!(
        core::str::from_utf8(&buf).unwrap(),
        smtp::password(&secret, &region).expose_secret()
    );
    let mut group = c.benchmark_group("smtp_password");
    let block = [0x5c_u8; 64];
    group.bench_function("lower_bound_20_compressions", |b| {
        b.iter(|| lower_bound(black_box([0x5be0_cd19; 8]), black_box(&block)));
    });
    group.bench_function("password_into", |b| {
        let mut buf = [0_u8; 44];
        b.iter(|| smtp::password_into(black_box(&secret), black_box(&region), &mut buf).len());
    });
    group.bench_function("password", |b| {
        b.iter(|| smtp::password(black_box(&secret), black_box(&region)));
    });
    group.bench_function("hmac_crate_no_alloc", |b| {
        let mut buf = [0_u8; 44];
        b.iter(|| hmac_crate(black_box(SECRET), black_box(REGION), &mut buf));
    });
    group.bench_function("naive_allocating", |b| {
        b.iter(|| naive(black_box(SECRET), black_box(REGION)));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
