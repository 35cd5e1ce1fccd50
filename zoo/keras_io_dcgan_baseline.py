"""The zoo's quality bar: a plain DCGAN trained with the keras-io example's recipe.

    python zoo/keras_io_dcgan_baseline.py [--epochs N --out DIR]

`kg.baselines.KerasIODCGAN`: kg.DCGAN's networks trained the way keras-io's
"DCGAN to generate face images" trains (z ~ N(0, I) of 128, one discriminator pass on
[fake, real] with 0.05 label noise, Adam(1e-4) for both networks, batch 32), seed 0.
Measured with the library's evaluator after every epoch (history.csv, `fid` column),
so each preset is compared with this baseline after the same number of epochs. Not a
preset: it is not shipped.
"""

from _common import Recipe, main

RECIPE = Recipe(name="keras_io_dcgan_baseline", variant="KerasIODCGAN", epochs=10,
                fid_every_n_epochs=1)

if __name__ == "__main__":
    main(RECIPE)
