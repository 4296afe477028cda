// Ablation (paper Table 4): P-Transfer with GRAD, CoNLL-2003 English -> WNUT-2016 (= datnet_p_wnut16 until AT lands).
local common = import 'common.libsonnet';

common.datnet('wnut2016', transfer='partial', discriminator='grad')
