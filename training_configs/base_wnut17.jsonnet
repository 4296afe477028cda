// Base model (paper Fig. 1a) trained on WNUT-2017 alone.
local common = import 'common.libsonnet';

common.base_tagger('wnut2017')
