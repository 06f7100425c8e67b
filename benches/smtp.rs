//! One SMTP password derivation beside, in the same run, its bare lower bound (the 20
//! SHA-256 compressions the chain costs: 5 HMACs of 4 blocks each) and the same chain done
//! naively (fresh `String`s and `Vec`s per step, `format!`, Base64 to a `String`).
//!
//! `cargo bench --bench smtp`. After criterion's report, the run prints each function's
//! median and fastest time per call and their ratios to the lower bound's. Target:
//! `password_into` under 1.5x of the lower bound (about 1.4x expected: `hmac::Hmac`'s block
//! buffer, its key block per HMAC and the wiping of its states on drop cost something above
//! the bare compressions).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    missing_docs,
    reason = "a benchmark"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit as _, Mac as _};
use ses_broker::{smtp, values::Region, values::SecretAccessKey};
use sha2::Sha256;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-gov-west-1";

/// Criterion's samples per function; the ratios use the last this many timings of each
/// function (its measurement, after the warm-up).
const SAMPLES: usize = 100;

/// The ratio the library's chain must stay under.
const BUDGET: f64 = 1.5;

/// 20 compressions, each on the state the previous one left, so none can be skipped or
/// overlapped: the floor for any implementation built on this SHA-256 backend.
/// The starting state does not change the cost, so it is a plain argument.
fn lower_bound(mut state: [u32; 8], block: &[u8; 64]) -> [u32; 8] {
    for _ in 0..20 {
        sha2::block_api::compress256(&mut state, core::slice::from_ref(block));
    }
    state
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

/// Criterion's timing loop (what `Bencher::iter` does), keeping each sample's time per
/// call in `record` so that the ratios come from the very samples criterion reports.
fn timed<O>(iters: u64, record: &mut Vec<f64>, mut routine: impl FnMut() -> O) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        black_box(routine());
    }
    let elapsed = start.elapsed();
    record.push(elapsed.as_nanos() as f64 / iters as f64);
    elapsed
}

/// The median and the fastest time per call over the last `SAMPLES` timings; `None` when
/// criterion took fewer (test mode, `--test`, or a filter that skipped the function). On a
/// busy machine the fastest sample is the one least disturbed by other work.
fn summary(record: &[f64]) -> Option<(f64, f64)> {
    let mut last = record.get(record.len().checked_sub(SAMPLES)?..)?.to_vec();
    last.sort_by(f64::total_cmp);
    Some((*last.get(SAMPLES / 2)?, *last.first()?))
}

fn bench(c: &mut Criterion) {
    let secret = SecretAccessKey::parse(SECRET).unwrap();
    let region = Region::parse(REGION).unwrap();
    assert_eq!(
        naive(SECRET, REGION),
        smtp::password(&secret, &region).expose_secret()
    );

    let (mut lower, mut into, mut owned, mut slow) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut group = c.benchmark_group("smtp_password");
    group.sample_size(SAMPLES);
    let block = [0x5c_u8; 64];
    group.bench_function("lower_bound_20_compressions", |b| {
        b.iter_custom(|iters| {
            timed(iters, &mut lower, || {
                lower_bound(black_box([0x5be0_cd19; 8]), black_box(&block))
            })
        });
    });
    group.bench_function("password_into", |b| {
        let mut buf = [0_u8; 44];
        b.iter_custom(|iters| {
            timed(iters, &mut into, || {
                smtp::password_into(black_box(&secret), black_box(&region), &mut buf).len()
            })
        });
    });
    group.bench_function("password", |b| {
        b.iter_custom(|iters| {
            timed(iters, &mut owned, || {
                smtp::password(black_box(&secret), black_box(&region))
            })
        });
    });
    group.bench_function("naive_allocating", |b| {
        b.iter_custom(|iters| {
            timed(iters, &mut slow, || {
                naive(black_box(SECRET), black_box(REGION))
            })
        });
    });
    group.finish();

    let Some((floor, fastest_floor)) = summary(&lower) else {
        return;
    };
    println!("smtp_password, time per call over this run's samples and its ratio to the floor:");
    println!(
        "  {:<28} {:>10}  {:>6}  {:>10}  {:>6}",
        "", "median", "", "fastest", ""
    );
    for (name, record, budgeted) in [
        ("lower_bound_20_compressions", &lower, false),
        ("password_into", &into, true),
        ("password", &owned, true),
        ("naive_allocating", &slow, false),
    ] {
        if let Some((median, fastest)) = summary(record) {
            let ratio = median / floor;
            let verdict = match (budgeted, ratio < BUDGET) {
                (false, _) => "",
                (true, true) => "  (budget 1.5x)",
                (true, false) => "  OVER the 1.5x budget",
            };
            let fastest_ratio = fastest / fastest_floor;
            println!(
                "  {name:<28} {median:>7.1} ns  {ratio:>5.2}x  {fastest:>7.1} ns  {fastest_ratio:>5.2}x{verdict}"
            );
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
