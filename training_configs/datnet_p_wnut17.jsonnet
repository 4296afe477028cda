// DATNet-P (part share + GRAD + adversarial training), CoNLL-2003 English -> WNUT-2017.
local common = import 'common.libsonnet';

common.datnet('wnut2017', transfer='partial', discriminator='grad', adversarial=true)
