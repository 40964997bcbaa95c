//! Drives every non-streaming operation of the generated client against Prism mocking
//! `spec/openapi.yaml`: Prism validates each request against the spec (and, with `--errors`, its
//! own answer), and the client must decode what comes back.
//!
//! Needs `PRISM_BIN` (set by `cargo xtask test`); without it the test is skipped, unless
//! `REQUIRE_CORPUS=1` or `CI` is set.

use std::fs::File;
use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use openai_responses::api::{InputItemsParams, RetrieveParams};
use openai_responses::{types, Client, Error};
use serde_json::json;

const STARTUP_LIMIT: Duration = Duration::from_secs(60);
const RESPONSE_ID: &str = "resp_677efb5139a88190b512bc3fef8e535d";

/// A running Prism; killed when dropped.
struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    fn start(bin: &Path, spec: &Path) -> Prism {
        let port = free_port();
        let log = std::env::temp_dir().join(format!(
            "client-tests-prism-{}-{port}.log",
            std::process::id()
        ));
        let out = File::create(&log).expect("create the Prism log file");
        let err = out.try_clone().expect("clone the Prism log file");
        let child = Command::new(bin)
            .arg("mock")
            .arg(spec)
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "--errors"])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Prism ({}): {e}", bin.display()));
        let mut prism = Prism { child, port, log };
        prism.wait_ready();
        prism
    }

    /// Waits until Prism answers on its port, failing with its log when it exits or takes too long.
    fn wait_ready(&mut self) {
        let deadline = Instant::now() + STARTUP_LIMIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll Prism") {
                panic!(
                    "Prism exited ({status}) before listening:\n{}",
                    self.log_text()
                );
            }
            // Prism logs this line once the spec is loaded and the server listens.
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok()
                && self.log_text().contains("Prism is listening")
            {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "Prism did not listen on port {} within {STARTUP_LIMIT:?}:\n{}",
                    self.port,
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn client(&self) -> Client {
        Client::builder()
            .api_key("sk-test")
            .base_url(format!("http://127.0.0.1:{}", self.port))
            .max_retries(0)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("build client")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free port")
        .port()
}

/// Describes a failed call with everything Prism said (its validation messages are in the body).
fn describe(e: &Error) -> String {
    match e {
        Error::Api { status, body, .. } => format!("HTTP {status} from Prism: {body}"),
        Error::Decode { path, source, body } => {
            format!("answer not decodable at `{path}`: {source}\n    body: {body}")
        }
        other => format!("{other} ({other:?})"),
    }
}

/// Runs one operation and its checks; a failure is recorded instead of stopping the others.
async fn check<T, F>(
    failures: &mut Vec<String>,
    name: &str,
    call: F,
    verify: impl FnOnce(&T) -> Result<(), String>,
) where
    F: Future<Output = Result<T, Error>>,
{
    match call.await {
        Ok(value) => match verify(&value) {
            Ok(()) => eprintln!("ok: {name}"),
            Err(why) => failures.push(format!("{name}: decoded, but {why}")),
        },
        Err(e) => failures.push(format!("{name}: {}", describe(&e))),
    }
}

/// A request body written as JSON, decoded into the generated type (its fields change more often than the wire).
macro_rules! body {
    ($($json:tt)+) => {
        serde_json::from_value(json!($($json)+)).expect("request body fits the generated type")
    };
}

/// The checks every answer that is a whole `Response` passes.
fn is_response(r: &types::Response) -> Result<(), String> {
    ensure(!r.id.is_empty(), "`id` is empty")?;
    ensure(r.object.as_str() == "response", "`object` is not \"response\"")
}

fn ensure(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what.to_string())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_against_prism() {
    let Some(bin) = std::env::var_os("PRISM_BIN").filter(|v| !v.is_empty()) else {
        let required = std::env::var("REQUIRE_CORPUS").is_ok_and(|v| v == "1")
            || std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        if required {
            panic!("PRISM_BIN is not set (REQUIRE_CORPUS=1 or CI is set); run `cargo xtask test`");
        }
        eprintln!("skipping: PRISM_BIN is not set; `cargo xtask test` installs Prism and sets it");
        return;
    };
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    let prism = Prism::start(Path::new(&bin), &spec);
    let client = prism.client();
    let responses = client.responses();
    let mut failures = Vec::new();

    let create: types::CreateResponse = body!({
        "model": "gpt-4.1",
        "instructions": "You are a concise assistant.",
        "input": [
            {"role": "user", "content": "What is the weather like in Paris today?"}
        ],
        "tools": [{
            "type": "function",
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
                "additionalProperties": false
            },
            "strict": true
        }],
        "tool_choice": "auto",
        "temperature": 0.7,
        "max_output_tokens": 512,
        "metadata": {"session": "abc-123"},
        "store": true
    });
    check(
        &mut failures,
        "create",
        responses.create(&create),
        is_response,
    )
    .await;

    // A request built as a struct literal sends only the fields that were set; Prism validates
    // that body against the spec like the others.
    let literal = types::CreateResponse {
        model: "gpt-4.1".into(),
        input: "Say hello.".into(),
        store: false.into(),
        ..Default::default()
    };
    check(
        &mut failures,
        "create_with_response (struct literal)",
        responses.create_with_response(&literal),
        |r| {
            ensure(r.status == 200, "the status is not 200")?;
            ensure(r.attempts() == 1, "more than one attempt")?;
            ensure(
                r.idempotency_key().is_some_and(|k| !k.is_empty()),
                "no idempotency key on a POST",
            )?;
            ensure(!r.data.id.is_empty(), "`id` is empty")
        },
    )
    .await;

    check(
        &mut failures,
        "retrieve",
        responses.retrieve(RESPONSE_ID),
        is_response,
    )
    .await;

    let params = RetrieveParams {
        include: Some(vec![types::IncludeEnum::from(
            "message.output_text.logprobs",
        )]),
        ..Default::default()
    };
    check(
        &mut failures,
        "retrieve_with",
        responses.retrieve_with(RESPONSE_ID, &params),
        is_response,
    )
    .await;

    check(
        &mut failures,
        "delete",
        responses.delete_with_response(RESPONSE_ID),
        |r| {
            ensure(r.status == 200, "the status is not 200")?;
            ensure(!r.data.id.is_empty(), "`id` is empty")?;
            ensure(*r.data.deleted, "`deleted` is false")
        },
    )
    .await;

    check(
        &mut failures,
        "cancel",
        responses.cancel(RESPONSE_ID),
        is_response,
    )
    .await;

    check(
        &mut failures,
        "input_items",
        responses.input_items(RESPONSE_ID),
        |l: &types::ResponseItemList| {
            ensure(l.object.as_str() == "list", "`object` is not \"list\"")
        },
    )
    .await;

    let params = InputItemsParams {
        limit: Some(10),
        order: Some(types::InputItemsParamsOrder::Asc),
        include: Some(vec![types::IncludeEnum::from(
            "message.input_image.image_url",
        )]),
        ..Default::default()
    };
    check(
        &mut failures,
        "input_items_with",
        responses.input_items_with(RESPONSE_ID, &params),
        |l: &types::ResponseItemList| {
            ensure(l.object.as_str() == "list", "`object` is not \"list\"")
        },
    )
    .await;

    let tokens: types::TokenCountsBody = body!({
        "model": "gpt-4.1",
        "instructions": "You are a concise assistant.",
        "input": "Tell me a joke about compilers."
    });
    check(
        &mut failures,
        "input_tokens",
        responses.input_tokens(&tokens),
        |t: &types::TokenCountsResource| {
            ensure(
                t.object.as_str() == "response.input_tokens",
                "`object` is not \"response.input_tokens\"",
            )?;
            ensure(*t.input_tokens >= 0, "`input_tokens` is negative")
        },
    )
    .await;

    let compact: types::CompactResponseMethodPublicBody = body!({
        "model": "gpt-5.4",
        "input": [
            {"role": "user", "content": "Summarise our discussion about the build system."},
            {"role": "assistant", "content": "We moved the generator into its own crate."}
        ]
    });
    check(
        &mut failures,
        "compact",
        responses.compact(&compact),
        |c: &types::CompactResource| {
            ensure(!c.id.is_empty(), "`id` is empty")?;
            ensure(
                c.object.as_str() == "response.compaction",
                "`object` is not \"response.compaction\"",
            )
        },
    )
    .await;

    // Guards against a vacuous pass: Prism must reject a body the spec forbids.
    let invalid: types::CreateResponse =
        body!({"model": "gpt-4.1", "input": "Hi", "temperature": 5.0});
    match responses.create(&invalid).await {
        Err(Error::Api {
            status: 400 | 422, ..
        }) => eprintln!("ok: invalid create rejected"),
        other => failures.push(format!(
            "invalid create (temperature 5.0): Prism should reject it with 400/422, got {}",
            match &other {
                Ok(_) => "a success".to_string(),
                Err(e) => describe(e),
            }
        )),
    }

    if !failures.is_empty() {
        panic!(
            "{} operation(s) failed against Prism ({}):\n  {}\n--- Prism log ---\n{}",
            failures.len(),
            spec.display(),
            failures.join("\n  "),
            prism.log_text()
        );
    }
}
