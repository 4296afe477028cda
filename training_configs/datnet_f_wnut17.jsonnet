// DATNet-F (full share + GRAD + adversarial training), CoNLL-2003 English -> WNUT-2017.
local common = import 'common.libsonnet';

common.datnet('wnut2017', transfer='full', discriminator='grad', adversarial=true)
