//! The storage behind a target, through `object_store`: `AmazonS3` for any S3-compatible service
//! (Aliyun OSS, Tencent COS, Huawei OBS, MinIO, Garage, AWS), `LocalFileSystem` for a folder.
//! Requests retry with exponential backoff on timeouts, throttling and 5xx (`RetryConfig`);
//! every error that leaves this module has the credentials taken out.

use anyhow::{Context, Result};
use futures_util::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions,
    PutPayload, RetryConfig,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::credentials::Credentials;
use super::headers::Headers;
use super::plan::Listed;
use super::settings::{Settings, Target};

/// How long the first request (the listing) may take before the endpoint counts as unreachable.
pub const FIRST_ANSWER: Duration = Duration::from_secs(20);

/// An opened target.
#[derive(Debug)]
pub struct Store {
    inner: Arc<dyn ObjectStore>,
    prefix: String,
    /// Object storage keeps headers; a folder leaves them to its web server.
    keeps_headers: bool,
    credentials: Option<Credentials>,
    /// Where it is, for messages.
    pub place: String,
}

impl Store {
    /// Opens the target of `settings`: finds credentials for object storage, creates a folder.
    pub fn open(settings: &Settings, dry_run: bool) -> Result<Self> {
        match &settings.target {
            Target::S3 { bucket, prefix } => {
                let credentials = Credentials::find()?;
                let inner = s3(settings, bucket, &credentials)?;
                let place = match &settings.endpoint {
                    Some(endpoint) => format!("{} at {endpoint}", settings.target),
                    None => settings.target.to_string(),
                };
                Ok(Self {
                    inner: Arc::new(inner),
                    prefix: prefix.clone(),
                    keeps_headers: true,
                    credentials: Some(credentials),
                    place,
                })
            }
            Target::Folder(path) => {
                if !dry_run {
                    std::fs::create_dir_all(path)
                        .with_context(|| format!("cannot create `{}`", path.display()))?;
                }
                let inner: Arc<dyn ObjectStore> = if path.is_dir() {
                    Arc::new(
                        LocalFileSystem::new_with_prefix(path)
                            .with_context(|| format!("cannot open `{}`", path.display()))?
                            .with_automatic_cleanup(true),
                    )
                } else {
                    // A dry run to a folder that does not exist yet: nothing is there.
                    Arc::new(object_store::memory::InMemory::new())
                };
                Ok(Self {
                    inner,
                    prefix: String::new(),
                    keeps_headers: false,
                    credentials: None,
                    place: settings.target.to_string(),
                })
            }
        }
    }

    fn key(&self, path: &str) -> Result<ObjectPath> {
        let key = if self.prefix.is_empty() {
            path.to_owned()
        } else {
            format!("{}/{path}", self.prefix)
        };
        ObjectPath::parse(&key).with_context(|| format!("`{path}` cannot be an object name"))
    }

    /// Every object under the prefix, by path relative to it.
    pub async fn list(&self) -> Result<HashMap<String, Listed>> {
        let prefix = (!self.prefix.is_empty())
            .then(|| ObjectPath::parse(&self.prefix))
            .transpose()?;
        let mut stream = self.inner.list(prefix.as_ref());
        let mut listing = HashMap::new();
        let strip = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        while let Some(meta) = stream.next().await {
            let meta = meta.map_err(|e| self.error(e, "cannot list"))?;
            let key = meta.location.as_ref();
            let relative = key.strip_prefix(&strip).unwrap_or(key).to_owned();
            listing.insert(
                relative,
                Listed {
                    size: meta.size,
                    etag: meta.e_tag,
                },
            );
        }
        Ok(listing)
    }

    /// The bytes of the object at `path`, `None` when there is none.
    pub async fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let key = self.key(path)?;
        match self.inner.get(&key).await {
            Ok(result) => {
                let bytes = result
                    .bytes()
                    .await
                    .map_err(|e| self.error(e, "cannot read"))?;
                Ok(Some(bytes.to_vec()))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error(e, "cannot read")),
        }
    }

    /// Stores `bytes` at `path` with `headers`; returns the object's new `ETag`.
    pub async fn put(
        &self,
        path: &str,
        bytes: Vec<u8>,
        headers: &Headers,
    ) -> Result<Option<String>> {
        let key = self.key(path)?;
        let mut attributes = Attributes::new();
        if self.keeps_headers {
            attributes.insert(Attribute::ContentType, headers.content_type.clone().into());
            attributes.insert(
                Attribute::CacheControl,
                headers.cache_control.clone().into(),
            );
            if let Some(disposition) = &headers.disposition {
                attributes.insert(Attribute::ContentDisposition, disposition.clone().into());
            }
        }
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        let result = self
            .inner
            .put_opts(&key, PutPayload::from(bytes), options)
            .await
            .map_err(|e| self.error(e, &format!("cannot upload `{path}`")))?;
        Ok(result.e_tag)
    }

    /// Deletes the object at `path` (gone already counts as done).
    pub async fn delete(&self, path: &str) -> Result<()> {
        let key = self.key(path)?;
        match self.inner.delete(&key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error(e, &format!("cannot delete `{path}`"))),
        }
    }

    /// An error of the service as a message with a hint, without credentials.
    fn error(&self, error: object_store::Error, what: &str) -> anyhow::Error {
        let hint = match &error {
            object_store::Error::PermissionDenied { .. }
            | object_store::Error::Unauthenticated { .. } => {
                "\n  = help: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and that the key may list, write and delete in the bucket"
            }
            _ if error.to_string().contains("SignatureDoesNotMatch")
                || error.to_string().contains("InvalidAccessKeyId")
                || error.to_string().contains("AccessDenied") =>
            {
                "\n  = help: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and that the key may list, write and delete in the bucket"
            }
            _ => {
                "\n  = help: check --endpoint, --region and --path-style, and that the service is reachable from here"
            }
        };
        let message = format!("{what} {}: {error}{hint}", self.place);
        let message = match &self.credentials {
            Some(credentials) => credentials.redact(&message),
            None => message,
        };
        anyhow::anyhow!(message)
    }
}

fn s3(
    settings: &Settings,
    bucket: &str,
    credentials: &Credentials,
) -> Result<object_store::aws::AmazonS3> {
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_region(&settings.region)
        .with_access_key_id(&credentials.key_id)
        .with_secret_access_key(&credentials.secret)
        .with_virtual_hosted_style_request(!settings.path_style)
        .with_disable_tagging(true)
        .with_client_options(
            ClientOptions::new()
                .with_connect_timeout(Duration::from_secs(5))
                .with_timeout(Duration::from_secs(120))
                .with_allow_http(true),
        )
        .with_retry(RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(200),
                max_backoff: Duration::from_secs(8),
                base: 2.0,
            },
            max_retries: 5,
            retry_timeout: Duration::from_secs(60),
        });
    if let Some(token) = &credentials.token {
        builder = builder.with_token(token);
    }
    if let Some(endpoint) = &settings.endpoint {
        let endpoint = endpoint.trim_end_matches('/');
        // Virtual-hosted style puts the bucket in the host name of the endpoint.
        let endpoint = match (settings.path_style, endpoint.split_once("://")) {
            (false, Some((scheme, host))) if !host.starts_with(&format!("{bucket}.")) => {
                format!("{scheme}://{bucket}.{host}")
            }
            _ => endpoint.to_owned(),
        };
        builder = builder.with_endpoint(endpoint);
    }
    builder.build().map_err(|e| {
        anyhow::anyhow!(credentials.redact(&format!("cannot use the storage settings: {e}")))
    })
}
