// Ablation (paper Table 4): F-Transfer with GRAD, CoNLL-2003 English -> WNUT-2016, without adversarial training.
local common = import 'common.libsonnet';

common.datnet('wnut2016', transfer='full', discriminator='grad')
