//! Credentials for S3-compatible storage, only from the environment (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) or the standard shared credentials file
//! (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`; profile `AWS_PROFILE`, else
//! `default`). Never from content files, and never printed: [`Credentials::redact`] takes the
//! secrets out of any message before it is shown.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;

/// An access key pair, with a session token for temporary credentials.
#[derive(Clone)]
pub struct Credentials {
    /// Access key id (not secret, but only shown when asked).
    pub key_id: String,
    /// Secret access key.
    pub secret: String,
    /// Session token of temporary credentials.
    pub token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// From the environment, else the shared credentials file.
    pub fn find() -> Result<Self> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        match (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
            (Some(key_id), Some(secret)) => {
                return Ok(Self {
                    key_id,
                    secret,
                    token: env("AWS_SESSION_TOKEN"),
                });
            }
            (Some(_), None) => bail!(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not\n  = help: set both in the environment of the deploy"
            ),
            (None, Some(_)) => bail!(
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not\n  = help: set both in the environment of the deploy"
            ),
            (None, None) => {}
        }
        let profile = env("AWS_PROFILE").unwrap_or_else(|| "default".to_owned());
        let file = env("AWS_SHARED_CREDENTIALS_FILE")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|home| PathBuf::from(home).join(".aws/credentials")));
        if let Some(path) = file.filter(|p| p.is_file()) {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            if let Some(found) = from_ini(&text, &profile) {
                return Ok(found);
            }
            bail!(
                "no access key for profile `{profile}` in `{}`\n  = help: add aws_access_key_id and aws_secret_access_key under [{profile}], or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                path.display()
            );
        }
        bail!(
            "no credentials for the storage service\n  = help: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (an access key of a RAM / CAM user allowed to write the bucket), or put them in ~/.aws/credentials"
        )
    }

    /// `message` with the secret key and session token replaced by `***`.
    pub fn redact(&self, message: &str) -> String {
        let mut message = message.to_owned();
        for secret in std::iter::once(&self.secret).chain(&self.token) {
            if secret.len() >= 4 {
                message = message.replace(secret.as_str(), "***");
            }
        }
        message
    }
}

/// The keys of `[profile]` in an AWS credentials file.
fn from_ini(text: &str, profile: &str) -> Option<Credentials> {
    let (mut section, mut key_id, mut secret, mut token) = (String::new(), None, None, None);
    for line in text.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().trim_start_matches("profile ").to_owned();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if section != profile {
            continue;
        }
        let value = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        match key.trim() {
            "aws_access_key_id" => key_id = value,
            "aws_secret_access_key" => secret = value,
            "aws_session_token" => token = value,
            _ => {}
        }
    }
    Some(Credentials {
        key_id: key_id?,
        secret: secret?,
        token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_of_a_credentials_file() {
        let text = "[default]\naws_access_key_id = A\naws_secret_access_key = S1\n\n[zone]\naws_access_key_id=B\naws_secret_access_key=S2\naws_session_token = T\n";
        let zone = from_ini(text, "zone").unwrap();
        assert_eq!((zone.key_id.as_str(), zone.secret.as_str()), ("B", "S2"));
        assert_eq!(zone.token.as_deref(), Some("T"));
        assert_eq!(from_ini(text, "default").unwrap().secret, "S1");
        assert!(from_ini(text, "other").is_none());
    }

    #[test]
    fn secrets_never_reach_a_message() {
        let credentials = Credentials {
            key_id: "AKID".into(),
            secret: "s3cr3t-value".into(),
            token: Some("tok-en-value".into()),
        };
        let shown = credentials.redact("signed with s3cr3t-value and tok-en-value");
        assert_eq!(shown, "signed with *** and ***");
        assert!(!format!("{credentials:?}").contains("s3cr3t"));
    }
}
