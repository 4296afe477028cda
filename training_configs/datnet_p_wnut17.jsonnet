// DATNet-P (part share + GRAD), CoNLL-2003 English -> WNUT-2017. Without adversarial training for now.
local common = import 'common.libsonnet';

common.datnet('wnut2017', transfer='partial', discriminator='grad')
