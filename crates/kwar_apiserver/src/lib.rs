//! A Kubernetes API server stand-in for tests. No real API server can run where kwar's
//! tests run, yet the live collector must be tested against one: this serves discovery
//! (legacy and aggregated), lists (with `limit`/`continue` paging) and gets of a fixed set of
//! objects over HTTPS with bearer-token authentication, answering with the bodies, status
//! codes and headers a Kubernetes 1.31 kube-apiserver gives, and it can be told to refuse
//! (403), fail (429/500/503) or page in small steps. It never changes: every write is
//! refused (405) and recorded, so a test can assert the collector only reads.
//!
//! What it adds as a real server does: uid, resourceVersion, creationTimestamp and
//! managedFields on every object, a Secret's `stringData` folded into `data`, list items of
//! built-in types without `apiVersion`/`kind` (custom resources keep them), EKS-style
//! `version.Info` (`minor: "31+"` for a provider build), and `metrics.k8s.io` in discovery when
//! metrics-server's APIService is among the objects.
//!
//! Where it differs (documented so tests do not lean on it): no watches, no label or field
//! selectors, no conversion between versions (an object is served as is under every served
//! version of its type), core and `events.k8s.io` Events are not one store, `metrics.k8s.io`
//! lists are empty, no subresources but `status`, and any continue token it did not hand out
//! is "expired" (410) rather than "malformed" (400).

mod resources;
mod serve;
mod store;
mod tls;

use std::io;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use crate::resources::Catalog;
use crate::serve::State;
use crate::store::Store;

/// What the stand-in serves and how it misbehaves.
#[derive(Debug, Clone)]
pub struct StandInConfig {
    /// The cluster's objects (as read from a fixture). CustomResourceDefinitions among them
    /// define served types; objects of types not served are dropped.
    pub objects: Vec<Value>,
    /// (group, resource) pairs the token may not read: lists and gets answer 403.
    pub forbidden: Vec<(String, String)>,
    /// The most items one list page holds, whatever the client's `limit` (the API allows
    /// short pages; this makes paging happen on small fixtures).
    pub page_size_cap: Option<usize>,
    /// The bearer token clients must send; empty: one is made up at start.
    pub token: String,
    /// (group, resource, HTTP status, count): the first `count` list requests of that
    /// resource fail with that status (429 carries `Retry-After: 1`).
    pub fail_first: Vec<(String, String, u16, usize)>,
    /// The server's `gitVersion`.
    pub server_version: String,
}

impl Default for StandInConfig {
    fn default() -> Self {
        StandInConfig {
            objects: Vec::new(),
            forbidden: Vec::new(),
            page_size_cap: None,
            token: String::new(),
            fail_first: Vec::new(),
            server_version: "v1.31.4-eks-2d5f260".to_string(),
        }
    }
}

/// One request as received, in arrival order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, not decoded (`/apis/apps/v1/namespaces/shop/deployments`).
    pub path: String,
    /// The query string without `?` (empty when none).
    pub query: String,
}

/// A running stand-in; it stops when dropped.
pub struct StandIn {
    /// `https://127.0.0.1:<port>`.
    pub url: String,
    /// The certificate authority (PEM) that signed the server's certificate.
    pub ca_pem: String,
    /// The bearer token the server accepts.
    pub token: String,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for StandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandIn").field("url", &self.url).finish()
    }
}

/// `version.Info` for a `gitVersion` such as `v1.31.4-eks-2d5f260`. Provider builds (a
/// suffix after the patch number) report the minor version with a `+`, as EKS does.
fn version_info(git_version: &str) -> Value {
    let core = git_version.trim_start_matches('v');
    let (numbers, suffix) = core.split_once('-').unwrap_or((core, ""));
    let mut parts = numbers.split('.');
    let major = parts.next().unwrap_or("1").to_string();
    let mut minor = parts.next().unwrap_or("0").to_string();
    if !suffix.is_empty() {
        minor.push('+');
    }
    json!({
        "major": major,
        "minor": minor,
        "gitVersion": git_version,
        "gitCommit": "2d5f260f3e5b8e0a3d9c4b1e7f6a5c8d9e0b1a2c",
        "gitTreeState": "clean",
        "buildDate": "2024-12-10T05:13:52Z",
        "goVersion": "go1.22.9",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

fn made_up_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("kwar-stand-in-{:x}{:x}", nanos, std::process::id())
}

impl StandIn {
    /// Starts serving on `127.0.0.1` (a free port) from a thread of its own.
    pub fn start(config: StandInConfig) -> io::Result<StandIn> {
        let (ca_pem, tls) = tls::server_config()?;
        let token = if config.token.is_empty() {
            made_up_token()
        } else {
            config.token
        };
        let catalog = Catalog::new(&config.objects);
        let store = Store::new(&config.objects, &catalog);
        let state = Arc::new(State {
            token: token.clone(),
            catalog,
            store,
            forbidden: config.forbidden,
            fail_first: Mutex::new(config.fail_first),
            version: version_info(&config.server_version),
            page_size_cap: config.page_size_cap,
            requests: Mutex::new(Vec::new()),
        });
        let listener = StdListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        listener.set_nonblocking(true)?;
        let url = format!("https://{}", listener.local_addr()?);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()?;
        let (shutdown, stopped) = oneshot::channel();
        let served = state.clone();
        let thread = std::thread::Builder::new()
            .name("kwar-apiserver".into())
            .spawn(move || {
                runtime.block_on(serve(listener, TlsAcceptor::from(tls), served, stopped))
            })?;
        Ok(StandIn {
            url,
            ca_pem,
            token,
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// Writes a kubeconfig whose current context `context` reaches this server with its CA
    /// (`certificate-authority-data`) and token.
    pub fn write_kubeconfig(&self, path: &Path, context: &str) -> io::Result<()> {
        // JSON strings are valid YAML double-quoted scalars: any context name is safe.
        let q = |s: &str| Value::from(s).to_string();
        let text = format!(
            "apiVersion: v1\n\
             kind: Config\n\
             clusters:\n\
             - name: {name}\n  \
               cluster:\n    \
                 server: {server}\n    \
                 certificate-authority-data: {ca}\n\
             users:\n\
             - name: {name}\n  \
               user:\n    \
                 token: {token}\n\
             contexts:\n\
             - name: {name}\n  \
               context:\n    \
                 cluster: {name}\n    \
                 user: {name}\n\
             current-context: {name}\n\
             preferences: {{}}\n",
            name = q(context),
            server = q(&self.url),
            ca = STANDARD.encode(&self.ca_pem),
            token = q(&self.token),
        );
        std::fs::write(path, text)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(
    listener: StdListener,
    acceptor: TlsAcceptor,
    state: Arc<State>,
    mut stopped: oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let acceptor = acceptor.clone();
                let state = state.clone();
                tokio::spawn(async move {
                    // A client that fails the handshake (wrong CA) just goes away.
                    let Ok(tls) = acceptor.accept(stream).await else { return };
                    let service = service_fn(move |request| {
                        let response = state.handle(&request);
                        async move { Ok::<_, std::convert::Infallible>(response) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        }
    }
    // Returning drops the runtime's tasks, closing every open connection.
}

/// Reads the manifests of a fixture cluster directory (every YAML/JSON file under it, as
/// `kwar scan` walks it) into JSON objects. Test support: panics on a fixture that does not
/// read cleanly, naming file and line.
pub fn load_manifests(dir: &Path) -> Vec<Value> {
    let (inputs, errors) = kwar_source::collect_inputs(
        &[dir.display().to_string()],
        &kwar_source::InputOptions::default(),
    );
    let set = kwar_source::read_objects(inputs, errors);
    if !set.errors.is_empty() {
        let lines: Vec<String> = set.errors.iter().map(ToString::to_string).collect();
        panic!(
            "fixture {} does not read:\n{}",
            dir.display(),
            lines.join("\n")
        );
    }
    set.objects.iter().map(|o| o.root.to_json()).collect()
}
