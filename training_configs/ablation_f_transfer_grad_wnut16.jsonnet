// Ablation (paper Table 4): F-Transfer with GRAD, CoNLL-2003 English -> WNUT-2016 (= datnet_f_wnut16 until AT lands).
local common = import 'common.libsonnet';

common.datnet('wnut2016', transfer='full', discriminator='grad')
