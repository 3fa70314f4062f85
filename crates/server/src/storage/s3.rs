//! Attachments in S3-compatible object storage (AWS S3, MinIO, Garage,
//! Ceph), through the `object_store` crate.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use futures_util::{StreamExt as _, TryStreamExt as _};
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt as _};
use tokio::io::AsyncWriteExt as _;

use super::{ByteStream, Storage, StorageError, StoredObject, is_key};
use crate::config::Config;

#[derive(Debug)]
pub struct S3Storage {
    store: Arc<dyn ObjectStore>,
    prefix: ObjectPath,
}

impl S3Storage {
    /// `location` is `bucket/prefix`. Credentials and endpoint come from the
    /// usual `AWS_*` variables, overridden by Lectern's `s3_*` settings.
    pub fn new(location: &str, config: &Config) -> anyhow::Result<Self> {
        let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
        anyhow::ensure!(
            !bucket.is_empty(),
            "LECTERN_STORAGE needs a bucket: s3://bucket/prefix"
        );
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Some(endpoint) = &config.s3_endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if let Some(region) = &config.s3_region {
            builder = builder.with_region(region);
        }
        if let Some(key) = &config.s3_access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &config.s3_secret_access_key {
            builder = builder.with_secret_access_key(secret.expose());
        }
        Ok(Self {
            store: Arc::new(builder.build()?),
            prefix: ObjectPath::from(prefix.trim_matches('/')),
        })
    }

    fn path(&self, key: &str) -> Result<ObjectPath, StorageError> {
        if is_key(key) {
            Ok(self.prefix.clone().join(&key[..2]).join(&key[3..]))
        } else {
            Err(StorageError::NotFound(key.to_owned()))
        }
    }

    fn not_found(key: &str, err: object_store::Error) -> StorageError {
        match err {
            object_store::Error::NotFound { .. } => StorageError::NotFound(key.to_owned()),
            other => other.into(),
        }
    }
}

#[async_trait]
impl Storage for S3Storage {
    async fn put_file(&self, key: &str, file: &Path) -> Result<(), StorageError> {
        // Small files go up in one request, large ones in parts; the object
        // appears only when the upload completes, and a failed one is aborted
        // so no parts linger.
        let mut writer =
            BufWriter::with_capacity(Arc::clone(&self.store), self.path(key)?, 8 * 1024 * 1024);
        let mut source = tokio::fs::File::open(file).await?;
        let copied = match tokio::io::copy(&mut source, &mut writer).await {
            Ok(_) => writer.shutdown().await,
            Err(err) => Err(err),
        };
        if let Err(err) = copied {
            if let Err(abort) = writer.abort().await {
                tracing::warn!(error = %abort, key, "aborting a failed upload failed");
            }
            return Err(err.into());
        }
        tokio::fs::remove_file(file).await?;
        Ok(())
    }

    async fn get(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream, StorageError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..Default::default()
        };
        let result = self
            .store
            .get_opts(&self.path(key)?, options)
            .await
            .map_err(|err| Self::not_found(key, err))?;
        Ok(result.into_stream().map_err(std::io::Error::other).boxed())
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.store.delete(&self.path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// One listing of the prefix's top level: the endpoint answers, the
    /// bucket exists and the keys may list it, as the orphan sweep needs.
    async fn check(&self) -> Result<(), StorageError> {
        let prefix = (!self.prefix.as_ref().is_empty()).then_some(&self.prefix);
        self.store.list_with_delimiter(prefix).await?;
        Ok(())
    }

    async fn list(&self) -> Result<Vec<StoredObject>, StorageError> {
        let prefix = (!self.prefix.as_ref().is_empty()).then_some(&self.prefix);
        let depth = self.prefix.parts().count();
        let metas: Vec<_> = self.store.list(prefix).try_collect().await?;
        Ok(metas
            .into_iter()
            .filter_map(|meta| {
                let parts: Vec<_> = meta.location.parts().skip(depth).collect();
                let key = match parts.as_slice() {
                    [folder, name] => format!("{}/{}", folder.as_ref(), name.as_ref()),
                    _ => return None,
                };
                is_key(&key).then_some(StoredObject {
                    key,
                    modified: meta.last_modified,
                })
            })
            .collect())
    }
}
