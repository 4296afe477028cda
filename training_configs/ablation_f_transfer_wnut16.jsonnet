// Ablation (paper Table 4): F-Transfer without discriminator, CoNLL-2003 English -> WNUT-2016.
local common = import 'common.libsonnet';

common.datnet('wnut2016', transfer='full', discriminator=null)
