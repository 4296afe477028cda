// Ablation (paper Table 4): F-Transfer with GRAD, CoNLL-2003 English -> CoNLL-2002 Spanish, without adversarial training.
local common = import 'common.libsonnet';

common.datnet('conll2002_es', transfer='full', discriminator='grad')
