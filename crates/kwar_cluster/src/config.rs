//! Which cluster to talk to and as whom: the kubeconfig (given, from `KUBECONFIG`, or
//! `~/.kube/config`) with its context, or the pod's service account inside a cluster.

use std::path::PathBuf;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::Config;

use crate::{CollectError, CollectOptions};

/// A client configuration and the name the snapshot is given.
pub(crate) struct Loaded {
    pub config: Config,
    /// The kube context, or the server's host when running in a pod.
    pub name: String,
}

pub(crate) async fn load(options: &CollectOptions) -> Result<Loaded, CollectError> {
    let (kubeconfig, origin) = match &options.kubeconfig {
        Some(path) => (read(path)?, path.display().to_string()),
        None => {
            let candidates = default_paths();
            let existing: Vec<&PathBuf> = candidates.iter().filter(|p| p.is_file()).collect();
            let searched = candidates
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            if existing.is_empty() {
                return in_cluster(options, searched);
            }
            // As kubectl does, files named in KUBECONFIG that do not exist are skipped and
            // the others merged, the first to set a value winning.
            let mut merged = Kubeconfig::default();
            for path in &existing {
                merged = merged
                    .merge(read(path)?)
                    .map_err(|e| CollectError::Kubeconfig {
                        path: path.display().to_string(),
                        message: e.to_string(),
                    })?;
            }
            let origin = existing
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(":");
            (merged, origin)
        }
    };

    let available: Vec<String> = kubeconfig.contexts.iter().map(|c| c.name.clone()).collect();
    let context = match options
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone())
        .filter(|c| !c.is_empty())
    {
        Some(context) => context,
        None => {
            return Err(CollectError::NoCurrentContext {
                path: origin,
                available,
            })
        }
    };
    if !available.contains(&context) {
        return Err(CollectError::UnknownContext {
            context,
            path: origin,
            available,
        });
    }
    let kube_options = KubeConfigOptions {
        context: Some(context.clone()),
        ..Default::default()
    };
    let config = Config::from_custom_kubeconfig(kubeconfig, &kube_options)
        .await
        .map_err(|e| CollectError::Kubeconfig {
            path: origin,
            message: format!("context `{context}`: {e}"),
        })?;
    Ok(Loaded {
        config,
        name: context,
    })
}

fn read(path: &PathBuf) -> Result<Kubeconfig, CollectError> {
    Kubeconfig::read_from(path).map_err(|e| CollectError::Kubeconfig {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// `KUBECONFIG`'s files when it is set (and not empty), else `~/.kube/config`.
fn default_paths() -> Vec<PathBuf> {
    if let Some(value) = std::env::var_os("KUBECONFIG") {
        let paths: Vec<PathBuf> = std::env::split_paths(&value)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        if !paths.is_empty() {
            return paths;
        }
    }
    std::env::home_dir()
        .map(|home| vec![home.join(".kube").join("config")])
        .unwrap_or_default()
}

fn in_cluster(options: &CollectOptions, searched: String) -> Result<Loaded, CollectError> {
    if let Some(context) = &options.context {
        return Err(CollectError::NoKubeconfigForContext {
            context: context.clone(),
            searched,
        });
    }
    match Config::incluster() {
        Ok(config) => {
            let name = config
                .cluster_url
                .host()
                .unwrap_or("in-cluster")
                .to_string();
            Ok(Loaded { config, name })
        }
        Err(e) => Err(CollectError::NoKubeconfig {
            searched,
            in_cluster: e.to_string(),
        }),
    }
}
