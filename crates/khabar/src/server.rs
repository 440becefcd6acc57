//! Starting and stopping a whole khabar node: store, migrations, demo
//! content, background workers and the HTTP server.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use khabar_search::SearchIndex;
use khabar_store::Store;
use khabar_web::{App, Theme};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::{Config, demo, workers};

/// How long requests in flight get to finish once shutdown starts; the
/// request timeout is 30 s, so a little more than that.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(35);

/// A running node.
pub struct Server {
    addr: SocketAddr,
    base_url: String,
    store: Store,
    stop: watch::Sender<bool>,
    http: JoinHandle<std::io::Result<()>>,
    scheduler: JoinHandle<()>,
    mailer: JoinHandle<()>,
    housekeeping: JoinHandle<()>,
    live: Option<JoinHandle<()>>,
    /// Applies the events log to the page cache.
    page_cache: Option<JoinHandle<()>>,
    notifier: JoinHandle<()>,
    /// Adds the node's article read counts to the store.
    reads: JoinHandle<()>,
    indexer: JoinHandle<()>,
    purger: JoinHandle<()>,
    webhooks: JoinHandle<()>,
}

/// Opens the store named by the configuration and applies migrations.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
    let url = config.database_url();
    let store = Store::open_with(&url, config.durability)
        .await
        .with_context(|| format!("opening the database ({})", redact(&url)))?;
    store.migrate().await.context("applying migrations")?;
    Ok(store)
}

/// Opens the search index in the data directory and brings it up to the
/// events log's end: rebuilt when missing, unreadable or new, else caught
/// up with what happened while the node was down.
pub async fn open_search(config: &Config, store: &Store) -> anyhow::Result<Arc<SearchIndex>> {
    let dir = config.search_dir();
    let (search, fresh) = SearchIndex::open(&dir)
        .with_context(|| format!("opening the search index {}", dir.display()))?;
    khabar_search::resume(store, &search, fresh)
        .await
        .context("bringing the search index up to date")?;
    Ok(Arc::new(search))
}

impl Server {
    /// Starts a node and returns once it accepts connections.
    pub async fn start(config: Config, demo: bool) -> anyhow::Result<Server> {
        let store = open_store(&config).await?;
        let media = config
            .media_store()
            .context("opening the media store (media.*)")?;
        if demo && store.has_no_stories().await? {
            let stories = demo::seed(&store, &media)
                .await
                .context("loading the demo content")?;
            tracing::info!(stories, "demo content loaded");
        }

        let search = open_search(&config, &store).await?;

        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let addr = listener.local_addr()?;
        let base_url = config
            .site
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let app = App::new(
            store.clone(),
            config.site.clone(),
            &base_url,
            Theme::new(config.theme_dir.clone()),
            media,
            search.clone(),
        )
        .context("loading the theme")?
        .trusting_proxies(config.trusted_proxies.clone())
        .limiting(config.limits.clone())
        .caching(config.cache.clone())
        .guarding_metrics(config.metrics.clone());
        app.reload_site()
            .await
            .context("reading the site settings admins changed")?;

        let (stop, stopped) = watch::channel(false);
        let scheduler = tokio::spawn(workers::scheduler(store.clone(), stopped.clone()));
        let delivery = match &config.mail.smtp_url {
            Some(url) => workers::Delivery::Smtp(
                lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
                    .context("mail.smtp_url")?
                    .build(),
            ),
            None => workers::Delivery::Folder(config.mail_dir()),
        };
        let from = config.mail.from.parse().context("mail.from")?;
        let mailer = tokio::spawn(workers::mailer(
            store.clone(),
            from,
            delivery,
            stopped.clone(),
        ));
        let housekeeping = tokio::spawn(workers::housekeeping(store.clone(), stopped.clone()));
        let indexer = tokio::spawn(khabar_search::follow(
            store.clone(),
            search,
            stopped.clone(),
        ));
        let purger = tokio::spawn(workers::purger(
            store.clone(),
            config.cache.clone(),
            store.latest_event_seq().await?,
            stopped.clone(),
        ));
        app.ctx.set_webhook_settings(config.webhooks.settings());
        let embed = config
            .embed
            .settings()
            .map_err(|(key, message)| anyhow::anyhow!("{key}: {message}"))?;
        app.ctx.set_embed_settings(embed);
        let webhooks = tokio::spawn(crate::webhooks::worker(
            app.ctx.clone(),
            store.latest_event_seq().await?,
            stopped.clone(),
        ));
        let app = Arc::new(app);
        let live = app.follow_events(stopped.clone());
        let page_cache = app.follow_pages(stopped.clone());
        let notifier = app.send_notification_emails(stopped.clone());
        let reads = app.flush_reads(stopped.clone());
        let mut http_stopped = stopped;
        let http = tokio::spawn(khabar_web::serve(listener, app, async move {
            let _ = http_stopped.changed().await;
        }));
        tracing::info!(%addr, backend = store.backend().as_str(), "khabar is serving {base_url}");
        Ok(Server {
            addr,
            base_url,
            store,
            stop,
            http,
            scheduler,
            mailer,
            housekeeping,
            live,
            page_cache,
            notifier,
            reads,
            indexer,
            purger,
            webhooks,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stops accepting connections, lets requests in flight finish (and
    /// with them their writes), stops the workers and closes the database.
    /// Idle keep-alive connections close at once; connections still busy
    /// after [`SHUTDOWN_GRACE`] (a stuck reader) are cut.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        // The follower ends first: its sender closes every live stream, so
        // open pages do not hold the shutdown up.
        if let Some(live) = self.live {
            live.await.context("the live follower failed")?;
        }
        let mut http = self.http;
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut http).await {
            Ok(joined) => joined.context("the HTTP server task failed")??,
            Err(_) => {
                tracing::warn!("connections still open after {SHUTDOWN_GRACE:?}; closing them");
                http.abort();
            }
        }
        self.scheduler.await.context("the scheduler task failed")?;
        self.mailer.await.context("the mailer task failed")?;
        self.housekeeping
            .await
            .context("the housekeeping task failed")?;
        self.notifier.await.context("the notifier task failed")?;
        self.reads.await.context("the read counter failed")?;
        self.indexer.await.context("the search indexer failed")?;
        self.purger.await.context("the cache purger failed")?;
        self.webhooks.await.context("the webhooks worker failed")?;
        if let Some(page_cache) = self.page_cache {
            page_cache.await.context("the page cache follower failed")?;
        }
        self.store.close().await;
        Ok(())
    }
}

/// A database URL without its password, for messages.
/// The URL with its password hidden, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpStream};
    use std::time::Duration;

    /// One port speaks HTTP/1.1 and HTTP/2 without TLS (h2c, prior
    /// knowledge), as a TLS front end talking h2 to khabar needs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_port_speaks_http1_and_h2c() {
        let dir = tempfile::tempdir().unwrap();
        let config = crate::Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.path().to_owned(),
            ..crate::Config::default()
        };
        let server = super::Server::start(config, false).await.unwrap();
        let addr = server.addr();
        let (http1, h2_status) =
            tokio::task::spawn_blocking(move || (http1_get(addr), h2c_status(addr)))
                .await
                .unwrap();
        assert!(http1.starts_with("HTTP/1.1 200"), "{http1}");
        // 0x88: HPACK's indexed `:status 200`.
        assert_eq!(h2_status, 0x88);
        server.stop().await.unwrap();
    }

    fn connect(addr: SocketAddr) -> TcpStream {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
    }

    fn http1_get(addr: SocketAddr) -> String {
        let mut stream = connect(addr);
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: khabar\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    /// The first byte of the header block answering `GET /healthz` over
    /// h2c, written by hand to need no HTTP/2 client.
    fn h2c_status(addr: SocketAddr) -> u8 {
        let mut stream = connect(addr);
        let mut request = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
        // An empty SETTINGS frame.
        request.extend_from_slice(&[0, 0, 0, 0x4, 0, 0, 0, 0, 0]);
        // :method GET, :scheme http, then :path and :authority literals.
        let mut block = vec![0x82, 0x86, 0x04, 8];
        block.extend_from_slice(b"/healthz");
        block.extend_from_slice(&[0x01, 6]);
        block.extend_from_slice(b"khabar");
        let length = u32::try_from(block.len()).unwrap().to_be_bytes();
        // HEADERS, END_STREAM | END_HEADERS, stream 1.
        request.extend_from_slice(&[length[1], length[2], length[3], 0x1, 0x5, 0, 0, 0, 1]);
        request.extend_from_slice(&block);
        stream.write_all(&request).unwrap();
        loop {
            let mut head = [0u8; 9];
            stream.read_exact(&mut head).unwrap();
            let length = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
            let mut payload = vec![0u8; length];
            stream.read_exact(&mut payload).unwrap();
            let stream_id = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
            // A HEADERS frame without padding or priority fields.
            if head[3] == 0x1 && stream_id == 1 && head[4] & 0x28 == 0 {
                return payload[0];
            }
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite:///tmp/k.db"), "sqlite:///tmp/k.db");
    }
}
