//! Receiving webhooks: a small HTTP server for the events of background responses. Each
//! delivery's signature is checked with `Webhooks` (cargo feature `webhooks`) before anything is
//! trusted, the body is decoded into `types::WebhookEvent`, and a completed response is then
//! fetched by its id, since the event carries only the id.
//!
//! Needs `OPENAI_WEBHOOK_SECRET` (the endpoint's `whsec_...` secret) and `OPENAI_API_KEY`;
//! listens on `WEBHOOK_ADDR` (default `127.0.0.1:8000`) and, when `WEBHOOK_MAX_DELIVERIES` is
//! set, stops after that many requests.
//!
//! Deliveries are retried until a 2xx answer arrives, so one event can come more than once, each
//! time with the same `webhook-id`: remember the ids already handled and acknowledge a repeat
//! without acting on it again. Here they are kept in memory; a real service keeps them in its
//! database (with the event's effect, in one transaction) for longer than the sender retries.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use openai_responses::types::WebhookEvent;
use openai_responses::{Client, Error, Webhooks};

struct Receiver {
    webhooks: Webhooks,
    client: Client,
    seen: Mutex<HashSet<String>>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let receiver = Arc::new(Receiver { webhooks: Webhooks::from_env()?, client: Client::from_env()?, seen: Mutex::default() });
    let addr = std::env::var("WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:8000".into());
    let limit: Option<usize> = std::env::var("WEBHOOK_MAX_DELIVERIES").ok().and_then(|n| n.parse().ok());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    let mut served = 0;
    while limit.is_none_or(|limit| served < limit) {
        let (stream, _) = listener.accept().await?;
        let receiver = receiver.clone();
        let service = hyper::service::service_fn(move |request| {
            let receiver = receiver.clone();
            async move { Ok::<_, Infallible>(receiver.handle(request).await) }
        });
        // One delivery per connection here, handled before the next, so the output keeps order.
        if let Err(e) = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await {
            eprintln!("connection error: {e}");
        }
        served += 1;
    }
    Ok(())
}

impl Receiver {
    async fn handle(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        // The signature covers the body exactly as sent: read it whole, unparsed.
        let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
            return answer(StatusCode::BAD_REQUEST, "unreadable body");
        };
        let event = match self.webhooks.unwrap(&body, &parts.headers) {
            Ok(event) => event,
            Err(e) => {
                // A refusal names the check that failed; never act on such a request.
                println!("refused: {e}");
                return answer(StatusCode::BAD_REQUEST, "invalid webhook");
            }
        };
        let id = parts.headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        if !self.seen.lock().unwrap().insert(id.clone()) {
            println!("duplicate {id}: already handled");
            return answer(StatusCode::OK, "");
        }
        match self.on_event(event).await {
            Ok(()) => answer(StatusCode::OK, ""),
            Err(e) => {
                // Not acknowledged: forget the id so that the retry is handled.
                self.seen.lock().unwrap().remove(&id);
                println!("failed: {e}");
                answer(StatusCode::INTERNAL_SERVER_ERROR, "try again")
            }
        }
    }

    async fn on_event(&self, event: WebhookEvent) -> Result<(), Error> {
        match event {
            WebhookEvent::ResponseCompleted(e) => {
                let response = self.client.responses().retrieve(&e.data.id).await?;
                println!("completed {}: {}", e.data.id, response.output_text());
            }
            WebhookEvent::ResponseFailed(e) => println!("failed {}", e.data.id),
            WebhookEvent::ResponseCancelled(e) => println!("cancelled {}", e.data.id),
            WebhookEvent::ResponseIncomplete(e) => println!("incomplete {}", e.data.id),
            // Events of other kinds (batches, fine-tuning, ...) or newer ones: acknowledged.
            other => println!("ignored {}", other.event_type()),
        }
        Ok(())
    }
}

fn answer(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}
