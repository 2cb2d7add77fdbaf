//! The office server's TLS (rustls with the ring provider): the
//! certificate chain and private key from PEM files, TLS 1.2 and 1.3 only,
//! HTTP/1.1 by ALPN.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The server configuration from `cert` (the chain, leaf first) and `key`.
pub fn config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, String> {
    let read = |p: &Path, what: &str| -> Result<Vec<u8>, String> {
        crate::serve::store::read_regular(p, 1024 * 1024)
            .map(|c| c.bytes)
            .map_err(|e| format!("не удалось прочитать {what} «{}»: {}", p.display(), crate::diag::io_reason(&e)))
    };
    let cert_pem = read(cert, "сертификат")?;
    let key_pem = read(key, "закрытый ключ")?;
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&cert_pem).collect::<Result<_, _>>().map_err(|_| {
            format!("«{}»: сертификат не читается (нужен PEM: -----BEGIN CERTIFICATE-----)", cert.display())
        })?;
    if chain.is_empty() {
        return Err(format!("«{}»: в файле нет сертификата (-----BEGIN CERTIFICATE-----)", cert.display()));
    }
    let key_der = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| {
        format!("«{}»: закрытый ключ не читается (нужен PEM: -----BEGIN PRIVATE KEY-----)", key.display())
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| "не удалось настроить TLS".to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|e| format!("сертификат и ключ не подходят друг к другу или не поддерживаются ({e})"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
