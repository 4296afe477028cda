// Base model (paper Fig. 1a) trained on CoNLL-2002 Dutch alone.
local common = import 'common.libsonnet';

common.base_tagger('conll2002_nl')
