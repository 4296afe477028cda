// Ablation (paper Table 4): P-Transfer with GRAD, CoNLL-2003 English -> WNUT-2016, without adversarial training.
local common = import 'common.libsonnet';

common.datnet('wnut2016', transfer='partial', discriminator='grad')
