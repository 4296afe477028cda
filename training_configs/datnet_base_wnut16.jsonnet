// The base model (paper Fig. 1a) as the datnet model without transfer, on WNUT-2016 alone.
local common = import 'common.libsonnet';

common.datnet('wnut2016', transfer='none', discriminator=null)
