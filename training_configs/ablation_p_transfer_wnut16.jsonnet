// Ablation (paper Table 4): P-Transfer without discriminator, CoNLL-2003 English -> WNUT-2016.
local common = import 'common.libsonnet';

common.datnet('wnut2016', transfer='partial', discriminator=null)
