use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: ConfigMaps and literal env values.
///
/// Passes when no PEM private keys.
///
/// Fails when private key material outside Secrets/KMS.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Move application keys into KMS or a dedicated key manager with audit and rotation; never store
/// them in ConfigMaps or images.
///
/// ## References
/// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/sec_protect_data_rest_key_mgmt.html>
    "no-private-keys-in-configmaps",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-private-keys-in-configmaps
}
