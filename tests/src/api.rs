//! A JSON client for a test server's APIs: requests with an optional bearer token and JSON body,
//! answered with the status and the body as JSON (or as a JSON string when it is not JSON).

use serde_json::Value;

/// `http` against the server at `url`.
#[derive(Debug, Clone)]
pub struct Api {
    /// The HTTP client (for requests this helper does not shape, e.g. event streams).
    pub http: reqwest::Client,
    /// The server's base URL.
    pub url: String,
}

impl Api {
    /// A client for the server at `url`.
    pub fn new(url: impl Into<String>) -> Api {
        Api { http: reqwest::Client::new(), url: url.into() }
    }

    /// `method` `path` (under the base URL) with `token` as bearer and `body` as JSON.
    ///
    /// # Panics
    /// When the request cannot be sent or its body read (a test failure).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// `POST` a JSON body.
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, token, Some(body)).await
    }

    /// `GET`.
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, token, None).await
    }
}
