// The base model (paper Fig. 1a) as the datnet model without transfer, on WNUT-2017 alone.
local common = import 'common.libsonnet';

common.datnet('wnut2017', transfer='none', discriminator=null)
