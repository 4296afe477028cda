// Ablation (paper Table 4): P-Transfer with the plain adversarial discriminator (AD), CoNLL-2003 English -> WNUT-2016.
local common = import 'common.libsonnet';

common.datnet('wnut2016', transfer='partial', discriminator='ad')
