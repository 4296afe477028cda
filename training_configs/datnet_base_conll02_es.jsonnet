// The base model (paper Fig. 1a) as the datnet model without transfer, on CoNLL-2002 Spanish alone.
local common = import 'common.libsonnet';

common.datnet('conll2002_es', transfer='none', discriminator=null)
