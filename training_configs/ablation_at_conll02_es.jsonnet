// Ablation (paper Table 4): Base + AT, the base model with adversarial training, on CoNLL-2002 Spanish alone.
local common = import 'common.libsonnet';

common.datnet('conll2002_es', transfer='none', discriminator=null, adversarial=true)
