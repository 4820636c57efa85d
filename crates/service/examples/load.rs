//! A bounded load test of the collection service on loopback: 50 users browse the dashboard
//! while 10 agencies upload 10,000-row returns at once; then one 100,000-row upload alone.
//! Each agency sends 5 versions back to back, so the pages are measured under a sustained
//! upload load. Prints page latency (p50, p99, max), throughput, each upload's time and outcome. Every
//! upload must end stored with its counts or refused with a reason: nothing lost.
//!
//! ```sh
//! cargo run --release -p sightline-service --example load [-- --browsers 50 --agencies 10 --rows 10000]
//! ```
//!
//! Sessions are made in the store directly (the load is on the pages, not on Argon2).

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sightline_service::{App, Config, secrets};
use sightline_store::collection::{self, DataCall, NewUser};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

const GIVEN: &[&str] = &[
    "Amy", "Ben", "Chloe", "Dan", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Kate", "Leo",
    "Mia", "Noah", "Olivia", "Paul", "Ruby", "Sam", "Tia", "Will",
];
const FAMILY: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Walker",
    "Wright", "Hall", "Green", "Wood", "Clarke", "Hill", "Moore",
];

/// A template-layout people file of `rows` rows; one row in a thousand has an impossible date.
fn people(agency: &str, rows: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out =
        String::from("person_id,role,given_name,family_name,date_of_birth,sex,postcode\n");
    for n in 0..rows {
        let r = next();
        let day = if n % 1000 == 999 { 31 } else { 1 + r % 28 };
        let month = if n % 1000 == 999 {
            2
        } else {
            1 + (r >> 8) % 12
        };
        out.push_str(&format!(
            "{agency}-{n:06},{},{},{},{}-{:02}-{:02},{},ZZ{} {}AA\n",
            if r.is_multiple_of(3) {
                "suspect"
            } else {
                "victim"
            },
            GIVEN[(r >> 16) as usize % GIVEN.len()],
            FAMILY[(r >> 24) as usize % FAMILY.len()],
            1990 + (r >> 32) % 20,
            month,
            day,
            if r.is_multiple_of(2) {
                "female"
            } else {
                "male"
            },
            1 + (r >> 40) % 99,
            (r >> 48) % 10,
        ));
    }
    out.into_bytes()
}

fn multipart(csrf: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----sightline-load-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

struct Session {
    cookie: String,
    csrf: String,
}

async fn get(client: &HttpClient, base: &str, path: &str, session: &Session) -> (u16, String) {
    let request = hyper::Request::get(format!("{base}{path}"))
        .header("cookie", &session.cookie)
        .body(Full::new(Bytes::new()))
        .expect("request");
    match client.request(request).await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            (status, String::from_utf8_lossy(&body).into_owned())
        }
        Err(error) => (0, error.to_string()),
    }
}

async fn upload(
    client: &HttpClient,
    base: &str,
    session: &Session,
    name: &str,
    file: &[u8],
) -> (u16, String) {
    let (kind, body) = multipart(&session.csrf, name, file);
    let request = hyper::Request::post(format!("{base}/returns/1/upload"))
        .header("cookie", &session.cookie)
        .header("content-type", kind)
        .body(Full::new(Bytes::from(body)))
        .expect("request");
    match client.request(request).await {
        Ok(response) => {
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let _ = response.into_body().collect().await;
            (status, location)
        }
        Err(error) => (0, error.to_string()),
    }
}

/// "N rows accepted, M rejected" as the return page says it.
fn counts(page: &str) -> String {
    page.find(" rows accepted")
        .and_then(|end| {
            let start = page[..end].rfind(": ")? + 2;
            let rest = &page[start..];
            Some(rest[..rest.find('.')?].to_string())
        })
        .unwrap_or_else(|| "kept".to_string())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> anyhow::Result<()> {
    let browsers = arg("--browsers", 50);
    let agencies = arg("--agencies", 10);
    let rows = arg("--rows", 10_000);
    let big_rows = arg("--big", 100_000);
    // Each browser loads at least this many pages, uploads or not.
    let rounds = arg("--rounds", 40);
    let versions = arg("--versions", 5);

    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("ws");
    sightline_store::Workspace::init(&ws, None)?;
    let workspace = sightline_store::Workspace::open(&ws, None)?;
    let mut store = workspace.store()?;
    let ids: Vec<String> = (1..=agencies + 1).map(|n| format!("LA{n:03}")).collect();
    let register: Vec<sightline_store::Agency> = ids
        .iter()
        .map(|id| sightline_store::Agency {
            agency_id: id.clone(),
            name: format!("Children's services {id}"),
            agency_type: "childrens_services".to_string(),
            area: String::new(),
            requested: true,
            region: String::new(),
        })
        .collect();
    store.import_agencies(&register, "load")?;
    let mut sessions = Vec::new();
    store.collection_write("load", None, &mut |db| {
        sessions.clear();
        collection::create_call(
            db,
            &DataCall {
                call_id: 0,
                name: "Load".to_string(),
                period_from: "2000-01-01".to_string(),
                period_to: "2030-12-31".to_string(),
                template_version: "1.0.0".to_string(),
                deadline: "2099-01-01".to_string(),
                close_date: "2099-12-31".to_string(),
                created_at: String::new(),
                created_by: "load".to_string(),
            },
            &ids,
            "load",
        )?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        for (n, (agency, role)) in std::iter::repeat_n(("", "analyst"), browsers)
            .chain(ids.iter().take(agencies).map(|a| (a.as_str(), "submitter")))
            .chain([(ids[agencies].as_str(), "submitter")])
            .enumerate()
        {
            let user = collection::create_user(
                db,
                &NewUser {
                    email: format!("user{n}@load.invalid"),
                    name: format!("User {n}"),
                    agency_id: agency.to_string(),
                    roles: vec![role.to_string()],
                },
                "load",
            )?;
            let token =
                secrets::token().map_err(|e| sightline_store::StoreError::Key(e.to_string()))?;
            let csrf =
                secrets::token().map_err(|e| sightline_store::StoreError::Key(e.to_string()))?;
            collection::create_session(db, &secrets::digest(&token), user, &csrf, "full", now)?;
            sessions.push(Session {
                cookie: format!("sightline-session={token}"),
                csrf,
            });
        }
        Ok(())
    })?;
    drop(store);
    let big_session = sessions.pop().expect("the big upload's session");
    let uploaders: Vec<Session> = sessions.split_off(browsers);
    let files: Vec<Vec<u8>> = (0..agencies)
        .map(|n| people(&ids[n], rows, n as u64 + 1))
        .collect();
    let big = people(&ids[agencies], big_rows, 99);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let app = Arc::new(App::new(Config::new(ws))?);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let router = sightline_service::router(Arc::clone(&app));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await;
        });
        let base = format!("http://{address}");
        let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();

        // 50 browsers on the dashboard and an agency's page while 10 agencies upload.
        let uploading = Arc::new(AtomicBool::new(true));
        let started = Instant::now();
        let mut pages = Vec::new();
        for (n, session) in sessions.into_iter().enumerate() {
            let (client, base, uploading) = (client.clone(), base.clone(), Arc::clone(&uploading));
            let rounds = rounds;
            pages.push(tokio::spawn(async move {
                let mut times = Vec::new();
                let mut during = Vec::new();
                let mut failures = 0usize;
                let mut round = 0usize;
                while uploading.load(Ordering::Relaxed) || round < rounds {
                    let busy = uploading.load(Ordering::Relaxed);
                    let path = if round.is_multiple_of(2) {
                        "/calls/1".to_string()
                    } else {
                        format!("/calls/1/agencies/LA{:03}", 1 + (n + round) % 10)
                    };
                    let at = Instant::now();
                    let (status, _) = get(&client, &base, &path, &session).await;
                    times.push(at.elapsed());
                    if busy {
                        during.push(at.elapsed());
                    }
                    failures += usize::from(status != 200);
                    round += 1;
                }
                (times, during, failures)
            }));
        }
        let mut sends = Vec::new();
        for (n, (session, file)) in uploaders.into_iter().zip(files).enumerate() {
            let (client, base) = (client.clone(), base.clone());
            let versions = versions;
            sends.push(tokio::spawn(async move {
                // Each agency sends `versions` versions one after the other (the same rows in
                // another order each time), so the browsing overlaps a sustained upload load.
                let mut seconds = Vec::new();
                let mut last = (0, String::new());
                for version in 0..versions {
                    let mut lines: Vec<&[u8]> = file.split_inclusive(|&b| b == b'\n').collect();
                    let header = lines.remove(0);
                    let shift = version * 7 % lines.len().max(1);
                    lines.rotate_left(shift);
                    let mut body = header.to_vec();
                    body.extend(lines.concat());
                    let at = Instant::now();
                    last = upload(&client, &base, &session, "people.csv", &body).await;
                    seconds.push(at.elapsed().as_secs_f64());
                }
                let (_, page) = get(&client, &base, "/returns/1", &session).await;
                (n, last.0, last.1, seconds, page)
            }));
        }
        let mut outcomes = Vec::new();
        for send in sends {
            outcomes.push(send.await?);
        }
        uploading.store(false, Ordering::Relaxed);
        let upload_seconds = started.elapsed().as_secs_f64();
        let mut times = Vec::new();
        let mut during = Vec::new();
        let mut failures = 0;
        for page in pages {
            let (t, d, f) = page.await?;
            times.extend(t);
            during.extend(d);
            failures += f;
        }
        let elapsed = started.elapsed().as_secs_f64();
        times.sort();
        during.sort();
        println!(
            "pages while {agencies} agencies uploaded ({upload_seconds:.1} s): {} requests; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            during.len(),
            percentile(&during, 0.5).as_secs_f64() * 1e3,
            percentile(&during, 0.99).as_secs_f64() * 1e3,
            during.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        );
        println!(
            "pages: {} requests by {browsers} browsers in {elapsed:.1} s ({:.0}/s); p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {failures} not 200",
            times.len(),
            times.len() as f64 / elapsed,
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
            times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        );
        let mut lost = 0;
        for (n, status, location, seconds, page) in &outcomes {
            let counted = page.contains("rows accepted") && page.contains(&format!("Version {versions}"));
            let mean = seconds.iter().sum::<f64>() / seconds.len().max(1) as f64;
            let max = seconds.iter().copied().fold(0.0, f64::max);
            println!(
                "upload {}: {versions} versions of {rows} rows, the last HTTP {status} → {location}; mean {mean:.2} s, max {max:.2} s; {}",
                ids[*n],
                if counted { counts(page) } else { "NOT KEPT".to_string() }
            );
            lost += usize::from(!(*status == 303 && counted));
        }
        println!("uploads: {} of {} kept with counts; {lost} lost or refused", outcomes.len() - lost, outcomes.len());

        // One large upload alone.
        let at = Instant::now();
        let (status, location) = upload(&client, &base, &big_session, "people.csv", &big).await;
        let seconds = at.elapsed().as_secs_f64();
        let (_, page) = get(&client, &base, "/returns/1", &big_session).await;
        println!(
            "upload of {big_rows} rows ({:.1} MB) alone: HTTP {status} → {location}, validated and kept in {seconds:.2} s; {}",
            big.len() as f64 / 1e6,
            if page.contains("rows accepted") { counts(&page) } else { "NOT KEPT".to_string() }
        );
        anyhow::Ok(())
    })?;
    Ok(())
}
