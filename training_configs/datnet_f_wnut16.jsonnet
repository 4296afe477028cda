// DATNet-F (full share + GRAD), CoNLL-2003 English -> WNUT-2016. Without adversarial training for now.
local common = import 'common.libsonnet';

common.datnet('wnut2016', transfer='full', discriminator='grad')
