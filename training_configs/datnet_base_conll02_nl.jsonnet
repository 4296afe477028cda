// The base model (paper Fig. 1a) as the datnet model without transfer, on CoNLL-2002 Dutch alone.
local common = import 'common.libsonnet';

common.datnet('conll2002_nl', transfer='none', discriminator=null)
