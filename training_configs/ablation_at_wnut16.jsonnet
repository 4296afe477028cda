// Ablation (paper Table 4): Base + AT, the base model with adversarial training, on WNUT-2016 alone.
local common = import 'common.libsonnet';

common.datnet('wnut2016', transfer='none', discriminator=null, adversarial=true)
