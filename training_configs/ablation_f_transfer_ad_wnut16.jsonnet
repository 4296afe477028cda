// Ablation (paper Table 4): F-Transfer with the plain adversarial discriminator (AD), CoNLL-2003 English -> WNUT-2016.
local common = import 'common.libsonnet';

common.datnet('wnut2016', transfer='full', discriminator='ad')
